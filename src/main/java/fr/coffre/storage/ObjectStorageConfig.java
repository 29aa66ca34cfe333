package fr.coffre.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where document bytes live: any S3 API server (MinIO in production, S3Proxy locally). */
@ConfigMapping(prefix = "coffre.storage")
public interface ObjectStorageConfig {

    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("us-east-1")
    String region();

    String bucket();

    /**
     * Bytes buffered per upload: the head read before storing, and each part of a multipart
     * upload (S3 requires at least 5 MiB). Documents no larger than this go up in one PUT.
     */
    @WithDefault("5242880")
    int partSize();

    /**
     * Part-sized buffers kept between large uploads rather than allocated for each ({@link PartBuffers}).
     * With four, the bench's mix needed more at once every few young collections: each new one
     * outlived its collection and went to the old generation, 98 % of all the api promoted
     * (docs/benchmarks.md, session 29).
     */
    @WithDefault("8")
    int pooledPartBuffers();

    /** Buffers of 1 MiB (for documents larger than a head) kept between uploads rather than allocated for each. */
    @WithDefault("8")
    int pooledMiddleBuffers();

    /** Head buffers (256 KiB) kept between uploads rather than allocated for each. */
    @WithDefault("16")
    int pooledHeadBuffers();

    /**
     * How long a request to object storage may wait for the server's next bytes (and for a
     * connection, at most 5 s): a server that hangs (a stalled disk, a paused process) fails the
     * request with 503 and Retry-After rather than holding it for the client library's 5 minutes.
     */
    @WithDefault("PT30S")
    Duration requestTimeout();

    /** Objects stored without a committed row are deleted once they are this old. */
    @WithDefault("PT1H")
    Duration orphanGracePeriod();
}
