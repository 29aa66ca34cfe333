package fr.coffre.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "coffre.ingest")
public interface IngestConfig {

    /** Largest document accepted; crossing it mid-stream answers 413 at once. */
    @WithDefault("268435456")
    long maxDocumentSize();

    /** Largest metadata part, in bytes. */
    @WithDefault("1048576")
    int maxMetadataSize();

    /** Largest manifest part of a submission, in bytes. */
    @WithDefault("16777216")
    int maxManifestSize();

    /**
     * Documents one submission may hold. The manifest and the answer are held in memory, so a
     * migration of millions of documents is sent as many submissions.
     */
    @WithDefault("10000")
    int maxSubmissionDocuments();

    /**
     * Parts a submission may carry beyond those its manifest names: each is listed as rejected
     * ({@code unexpected-part}); one more breaks the request off (400).
     */
    @WithDefault("16")
    int maxUnexpectedParts();

    /**
     * Bytes of FHIR publications' decoded data held in temporary files at once by one instance
     * (the api's /tmp); past it, 503 with Retry-After.
     */
    @WithDefault("805306368")
    long maxSpoolBytes();

    /** Uploads handled at once by one instance; past it, 503 with Retry-After. */
    @WithDefault("32")
    int maxInFlightUploads();

    /**
     * Bytes of upload buffers one instance's producer uploads may be counted for at once; past it,
     * 503 with Retry-After. Each counts for what its declared length may fill
     * ({@link fr.coffre.storage.PartBuffers#heldAtMostBy}).
     */
    @WithDefault("167772160")
    long maxInFlightBytes();

    /** Of those uploads, how many one producer may hold at once: no producer takes the whole instance. */
    @WithDefault("16")
    int maxInFlightPerProducer();

    /**
     * Patients' own uploads held at once by one instance, apart from the producers' (each at most
     * one part, so they hold no share of the producers' buffer bytes): patients cannot starve hospitals.
     */
    @WithDefault("8")
    int maxInFlightPatientUploads();

    /** Of those, how many one patient may hold at once. */
    @WithDefault("2")
    int maxInFlightPerPatient();

    /** Documents per second one producer may send, sustained. */
    @WithDefault("100")
    double producerRate();

    /** Documents one producer may send in a burst above its rate. */
    @WithDefault("500")
    int producerBurst();

    /**
     * Tokens of a producer's quota an instance takes from PostgreSQL at a time: one statement per
     * that many documents, and at most that many documents per instance beyond the quota.
     */
    @WithDefault("10")
    int producerQuotaLease();

    /** Documents accepted but not yet indexed past which uploads are refused (503). */
    @WithDefault("100000")
    long maxBacklog();

    /** How often the backlog is measured. */
    @WithDefault("PT2S")
    Duration backlogSampleInterval();

    /**
     * How long an upload may wait for its client to send anything more: past it, 408 and the
     * upload's place is given back (a client that sends a few bytes, then nothing).
     */
    @WithDefault("PT30S")
    Duration bodyIdleTimeout();

    /**
     * The slowest a client may send, in bytes per second, counted over the time the upload spends
     * waiting for it (not while Coffre itself is busy), once it has waited {@code body-idle-timeout}
     * in all: a trickle of bytes keeps no place for ever either.
     */
    @WithDefault("1024")
    long minUploadRate();

    /** Retry-After sent with a 503 for overload. */
    @WithDefault("PT5S")
    Duration retryAfter();
}
