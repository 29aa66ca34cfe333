package fr.coffre.blocking;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one way blocking-style code (uploads, downloads, workers, erasure, replay) waits for a
 * reactive call: on its own thread, never the event loop, at most {@code coffre.blocking.timeout}.
 */
@ApplicationScoped
public class Await {

    private final BlockingConfig config;

    public Await(BlockingConfig config) {
        this.config = config;
    }

    /** The call's item; its failure, or a {@link io.smallrye.mutiny.TimeoutException} past the timeout, is thrown. */
    public <T> T result(Uni<T> call) {
        return call.await().atMost(config.timeout());
    }
}
