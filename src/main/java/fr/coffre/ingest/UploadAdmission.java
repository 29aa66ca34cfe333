package fr.coffre.ingest;

import fr.coffre.document.DocumentRepository;
import fr.coffre.observability.Sampler;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.storage.ObjectStorageConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides, before a byte is read, whether an upload may start: refuses early and cheaply (503 or
 * 429 with Retry-After) rather than queue without bound. Three limits: uploads and buffer bytes
 * in flight on this instance, each producer's rate, and the indexing backlog, which carries the
 * workers' backpressure back to the upload endpoint.
 */
@ApplicationScoped
public class UploadAdmission {

    private final IngestConfig config;
    private final long bytesPerUpload;
    private final DocumentRepository documents;
    private final Vertx vertx;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong backlog = new AtomicLong();
    private final ConcurrentHashMap<String, TokenBucket> quotas = new ConcurrentHashMap<>();
    private Sampler<Long> backlogSampler;

    public UploadAdmission(
            IngestConfig config, ObjectStorageConfig storage, DocumentRepository documents, Vertx vertx) {
        this.config = config;
        // Each upload holds its head buffer, and a large one also the store client's part buffer.
        this.bytesPerUpload = 2L * storage.partSize();
        this.documents = documents;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        backlogSampler = Sampler.every(
                vertx,
                config.backlogSampleInterval(),
                "the indexing backlog",
                documents::countAwaitingIndexing,
                backlog::set);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (backlogSampler != null) {
            backlogSampler.close();
        }
    }

    /** A permit to hold while the upload runs; closing it frees its share of the instance. */
    public Permit admit(Producer producer) {
        if (backlog.get() > config.maxBacklog()) {
            throw ProblemException.retryLater(
                    ProblemType.OVERLOADED,
                    "Indexing is " + backlog.get() + " documents behind, more than the " + config.maxBacklog()
                            + " allowed; retry later.",
                    config.retryAfter());
        }
        Duration wait = bucket(producer).take();
        if (!wait.isZero()) {
            throw ProblemException.retryLater(
                    ProblemType.QUOTA_EXCEEDED,
                    "Your organisation may send " + config.producerRate() + " documents per second (bursts of "
                            + config.producerBurst() + "); retry later.",
                    wait);
        }
        if (uploads.incrementAndGet() > config.maxInFlightUploads()
                | bytes.addAndGet(bytesPerUpload) > config.maxInFlightBytes()) {
            release();
            throw ProblemException.retryLater(
                    ProblemType.OVERLOADED,
                    "This instance is handling as many uploads as it may; retry later.",
                    config.retryAfter());
        }
        return this::release;
    }

    /**
     * Within a submission already admitted: waits for the producer's next token, so that a large
     * batch is read at its producer's rate and leaves the rest of the instance to the others.
     */
    public void pace(Producer producer) {
        TokenBucket bucket = bucket(producer);
        for (Duration wait = bucket.take(); !wait.isZero(); wait = bucket.take()) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProblemException.retryLater(
                        ProblemType.OVERLOADED, "The service is stopping; retry later.", config.retryAfter());
            }
        }
    }

    private TokenBucket bucket(Producer producer) {
        return quotas.computeIfAbsent(
                producer.id(), id -> new TokenBucket(config.producerRate(), config.producerBurst()));
    }

    private void release() {
        uploads.decrementAndGet();
        bytes.addAndGet(-bytesPerUpload);
    }

    public long backlog() {
        return backlog.get();
    }

    public long uploadsInFlight() {
        return uploads.get();
    }

    @FunctionalInterface
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** Refills continuously at {@code rate} per second up to {@code burst}. */
    static final class TokenBucket {
        private final double rate;
        private final double burst;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(double rate, int burst) {
            this.rate = rate;
            this.burst = burst;
            this.tokens = burst;
        }

        /** Zero when a token was taken, else how long until one is there. */
        synchronized Duration take() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Duration.ZERO;
            }
            return Duration.ofMillis((long) Math.ceil((1 - tokens) / rate * 1000));
        }
    }
}
