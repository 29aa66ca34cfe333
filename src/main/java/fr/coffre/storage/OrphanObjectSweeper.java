package fr.coffre.storage;

import fr.coffre.ingest.IngestConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deletes objects that were written but never got a committed document (a crash between the
 * two, a refused upload whose clean-up failed). Only objects recorded as pending longer than the
 * grace period are touched, so an upload in progress is never swept.
 */
@ApplicationScoped
public class OrphanObjectSweeper {

    private static final Logger LOG = Logger.getLogger(OrphanObjectSweeper.class);

    private final PendingObjectRepository pending;
    private final DocumentObjectStore store;
    private final IngestConfig config;
    private final Vertx vertx;
    private long timer = -1;

    public OrphanObjectSweeper(PendingObjectRepository pending, DocumentObjectStore store, IngestConfig config, Vertx vertx) {
        this.pending = pending;
        this.store = store;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.max(1000, config.orphanGracePeriod().toMillis() / 4);
        timer = vertx.setPeriodic(every, id -> vertx.executeBlocking(() -> sweep(config.orphanGracePeriod()), false)
                .subscribe().with(n -> { }, failure -> LOG.warnf("Orphan sweep failed: %s", failure.toString())));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Blocking; returns how many orphans were deleted. */
    public int sweep(Duration olderThan) throws Exception {
        List<String> keys = pending.olderThan(olderThan, 500).await().atMost(Duration.ofSeconds(30));
        for (String key : keys) {
            store.delete(key);
            pending.forget(key).await().atMost(Duration.ofSeconds(30));
        }
        if (!keys.isEmpty()) {
            LOG.infof("Deleted %d objects stored without a committed document", keys.size());
        }
        return keys.size();
    }
}
