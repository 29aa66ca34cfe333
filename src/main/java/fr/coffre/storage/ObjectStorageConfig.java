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
     * Blocks of 256 KiB, the memory uploads hold their parts in ({@link PartBuffers}), kept between
     * uploads rather than allocated for each: 32 MiB of the heap once a burst has needed them.
     */
    @WithDefault("128")
    int pooledBlocks();

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
