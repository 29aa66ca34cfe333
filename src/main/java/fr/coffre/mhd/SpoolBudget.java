package fr.coffre.mhd;

import fr.coffre.ingest.IngestConfig;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The room FHIR publications' decoded data may take in temporary files on one instance, all of
 * them together: its disk is bounded (1 GiB in the Kubernetes deployment), so past it a
 * publication is turned away with 503 and Retry-After rather than filling the disk.
 */
@ApplicationScoped
public class SpoolBudget implements FhirPayloadReader.Budget {

    private final IngestConfig config;
    private final AtomicLong used = new AtomicLong();

    public SpoolBudget(IngestConfig config) {
        this.config = config;
    }

    @Override
    public void reserve(long bytes) {
        if (used.addAndGet(bytes) > config.maxSpoolBytes()) {
            used.addAndGet(-bytes);
            throw ProblemException.retryLater(
                    ProblemType.OVERLOADED,
                    "This instance holds as many FHIR publications' documents as its temporary space allows;"
                            + " nothing was kept. Retry later.",
                    config.retryAfter());
        }
    }

    @Override
    public ProblemException noRoom() {
        return ProblemException.retryLater(ProblemType.OVERLOADED, FhirPayloadReader.NO_ROOM, config.retryAfter());
    }

    @Override
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes held now, for tests and metrics. */
    public long used() {
        return used.get();
    }
}
