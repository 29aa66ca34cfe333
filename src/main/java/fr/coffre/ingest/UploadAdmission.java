package fr.coffre.ingest;

import fr.coffre.blocking.Await;
import fr.coffre.document.DocumentRepository;
import fr.coffre.observability.LogSafe;
import fr.coffre.observability.Sampler;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.storage.PartBuffers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Decides, before a byte is read, whether an upload may start: refuses early and cheaply (503 or
 * 429 with Retry-After) rather than queue without bound. The limits: uploads and buffer bytes in
 * flight on this instance, each producer's share of them, patients' uploads in a pool of their own
 * (with a share per patient), each producer's rate, and the indexing backlog, which carries the
 * workers' backpressure back to the upload endpoint.
 */
@ApplicationScoped
public class UploadAdmission {

    private static final Logger LOG = Logger.getLogger(UploadAdmission.class);

    private final IngestConfig config;
    private final PartBuffers buffers;
    private final DocumentRepository documents;
    private final Vertx vertx;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong patientUploads = new AtomicLong();
    private final ConcurrentHashMap<String, Integer> inFlightBy = new ConcurrentHashMap<>();
    private final ProducerQuota quota;
    private Sampler<Long> backlogSampler;
    private long quotaSweeper = -1;

    public UploadAdmission(
            IngestConfig config,
            PartBuffers buffers,
            DocumentRepository documents,
            ProducerQuotaRepository quotas,
            Await await,
            Vertx vertx,
            MeterRegistry registry) {
        this.config = config;
        this.quota = new ProducerQuota(
                quotas, await, config.producerRate(), config.producerBurst(), config.producerQuotaLease());
        this.buffers = buffers;
        this.documents = documents;
        this.vertx = vertx;
        Gauge.builder("coffre.uploads.in.flight", uploads, AtomicLong::get)
                .description("Uploads this instance is reading now, by who sends them")
                .tag("caller", "producer")
                .register(registry);
        Gauge.builder("coffre.uploads.in.flight", patientUploads, AtomicLong::get)
                .description("Uploads this instance is reading now, by who sends them")
                .tag("caller", "patient")
                .register(registry);
        Gauge.builder("coffre.upload.buffers.counted", bytes, AtomicLong::get)
                .description("Bytes of upload buffers the producers' uploads in flight are counted for, against "
                        + "coffre.ingest.max-in-flight-bytes")
                .baseUnit("bytes")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        backlogSampler = Sampler.every(
                vertx,
                config.backlogSampleInterval(),
                "the indexing backlog",
                documents::countAwaitingIndexing,
                backlog::set);
        // A bucket idle long enough to be full again is the same as a new one: forgotten, so that
        // callers seen once do not stay in memory for ever.
        long idle = Math.max(60_000, (long) (config.producerBurst() / config.producerRate() * 1000));
        quotaSweeper = vertx.setPeriodic(
                idle,
                id -> quota.forgetIdle(Duration.ofMillis(idle))
                        .subscribe()
                        .with(
                                forgotten -> {},
                                failure -> LOG.debugf("Could not forget idle quotas: %s", LogSafe.describe(failure))));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (backlogSampler != null) {
            backlogSampler.close();
        }
        if (quotaSweeper >= 0) {
            vertx.cancelTimer(quotaSweeper);
        }
    }

    /**
     * A producer's upload: a permit to hold while it runs; closing it frees its share of the instance.
     *
     * @param bodyLength the request body's length when the request declares it (Content-Length):
     *     the upload is counted for the buffers a body that long may fill, not for the largest
     */
    public Permit admit(Producer producer, OptionalLong bodyLength) {
        return admit(producer, false, bodyLength);
    }

    /** A permit for an upload by a producer or, with {@code patient}, by a patient for their own record. */
    public Permit admit(Producer producer, boolean patient, OptionalLong bodyLength) {
        if (backlog.get() > config.maxBacklog()) {
            throw ProblemException.retryLater(
                    ProblemType.OVERLOADED,
                    "Indexing is " + backlog.get() + " documents behind, more than the " + config.maxBacklog()
                            + " allowed; retry later.",
                    config.retryAfter());
        }
        Duration wait = quota.take(producer.id());
        if (!wait.isZero()) {
            throw ProblemException.retryLater(
                    ProblemType.QUOTA_EXCEEDED,
                    "Your organisation may send " + config.producerRate() + " documents per second (bursts of "
                            + config.producerBurst() + "); retry later.",
                    wait);
        }
        int mine = enter(producer);
        if (patient) {
            if (patientUploads.incrementAndGet() > config.maxInFlightPatientUploads()
                    | mine > config.maxInFlightPerPatient()) {
                releasePatient(producer);
                throw overloaded("Patients' uploads to this instance are as many as it takes at once");
            }
            return () -> releasePatient(producer);
        }
        long held = buffers.heldAtMostBy(bodyLength);
        boolean tooMany = uploads.incrementAndGet() > config.maxInFlightUploads();
        boolean tooManyBytes = bytes.addAndGet(held) > config.maxInFlightBytes();
        boolean producerFull = mine > config.maxInFlightPerProducer();
        if (tooMany | tooManyBytes | producerFull) {
            release(producer, held);
            // Each limit named apart: an operator (or a load tester) then knows which setting held.
            throw overloaded(
                    producerFull
                            ? "Your organisation has " + config.maxInFlightPerProducer()
                                    + " uploads under way on this instance"
                            : tooMany
                                    ? "This instance is handling as many uploads as it may"
                                    : "This instance holds as many upload buffers as it may ("
                                            + size(config.maxInFlightBytes()) + "; this upload "
                                            + (bodyLength.isPresent()
                                                    ? "of " + bodyLength.getAsLong() + " bytes"
                                                    : "of undeclared length")
                                            + " would hold up to " + size(held) + ")");
        }
        return () -> release(producer, held);
    }

    private ProblemException overloaded(String why) {
        return ProblemException.retryLater(ProblemType.OVERLOADED, why + "; retry later.", config.retryAfter());
    }

    /**
     * Within a submission already admitted: waits for the producer's next token, so that a large
     * batch is read at its producer's rate and leaves the rest of the instance to the others.
     */
    public void pace(Producer producer) {
        for (Duration wait = quota.take(producer.id()); !wait.isZero(); wait = quota.take(producer.id())) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProblemException.retryLater(
                        ProblemType.OVERLOADED, "The service is stopping; retry later.", config.retryAfter());
            }
        }
    }

    // Whole blocks of 256 KiB, or whole parts.
    private static String size(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }

    private void release(Producer producer, long held) {
        uploads.decrementAndGet();
        bytes.addAndGet(-held);
        leave(producer);
    }

    private void releasePatient(Producer patient) {
        patientUploads.decrementAndGet();
        leave(patient);
    }

    /** This caller's uploads under way, this one included. */
    private int enter(Producer caller) {
        return inFlightBy.merge(caller.id(), 1, Integer::sum);
    }

    // A caller with nothing under way takes no memory.
    private void leave(Producer caller) {
        inFlightBy.computeIfPresent(caller.id(), (id, count) -> count <= 1 ? null : count - 1);
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
}
