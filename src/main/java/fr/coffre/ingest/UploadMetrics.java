package fr.coffre.ingest;

import fr.coffre.problem.ProblemResponses;
import fr.coffre.problem.ProblemType;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What producers send and what becomes of it. Tags are outcomes and problem slugs only: never a
 * producer's document id, a patient or anything from the content.
 * <ul>
 * <li>{@code coffre_upload_duration_seconds{outcome, problem}}: each document's ingestion, from its
 * first byte to its commit; {@code outcome} is {@code created}, {@code duplicate} or {@code rejected},
 * {@code problem} the slug of the problem it was refused with ({@code none} otherwise).</li>
 * <li>{@code coffre_upload_size_bytes{outcome}}: the size of each document accepted.</li>
 * <li>{@code coffre_upload_rejections_total{problem}}: every refusal a producer gets, by problem slug:
 * a refused upload or submission request, and each document refused inside a submission.</li>
 * </ul>
 */
@ApplicationScoped
public class UploadMetrics {

    public static final String CREATED = "created";
    public static final String DUPLICATE = "duplicate";
    public static final String REJECTED = "rejected";
    static final String NO_PROBLEM = "none";

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60)
    };
    private static final double[] SIZE_BUCKETS = {10e3, 100e3, 1e6, 10e6, 100e6};

    private final MeterRegistry registry;

    public UploadMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A document accepted: created, or the very same one found again. */
    public void accepted(boolean created, long bytes, long startedNanos) {
        String outcome = created ? CREATED : DUPLICATE;
        duration(outcome, NO_PROBLEM).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        DistributionSummary.builder("coffre.upload.size")
                .description("Size of the documents accepted")
                .baseUnit("bytes")
                .tag("outcome", outcome)
                .serviceLevelObjectives(SIZE_BUCKETS)
                .register(registry)
                .record(bytes);
    }

    /**
     * A document refused while it was being ingested (its refusal is counted by whoever answers it);
     * answers the problem slug it was refused with.
     */
    public String refusedDocument(Throwable failure, long startedNanos) {
        String problem = slugOf(failure);
        duration(REJECTED, problem).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        return problem;
    }

    /** A refusal sent to a producer: a whole request, or one document of a submission. */
    public void rejection(String problemSlug) {
        registry.counter("coffre.upload.rejections", "problem", problemSlug).increment();
    }

    /** A refusal sent to a producer for this failure. */
    public void rejection(Throwable failure) {
        rejection(slugOf(failure));
    }

    // A broken multipart body becomes malformed-request where the resource answers it.
    private static String slugOf(Throwable failure) {
        return failure instanceof MalformedMultipartException
                ? ProblemType.MALFORMED_REQUEST.slug()
                : ProblemResponses.slugOf(failure);
    }

    private Timer duration(String outcome, String problem) {
        return Timer.builder("coffre.upload.duration")
                .description("Time to ingest one document, from its first byte to its commit or refusal")
                .tag("outcome", outcome)
                .tag("problem", problem)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }
}
