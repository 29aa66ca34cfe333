package fr.coffre.storage;

import fr.coffre.blocking.Await;
import fr.coffre.database.Transactions;
import fr.coffre.observability.LogSafe;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
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
    private final ObjectStorageConfig config;
    private final Vertx vertx;
    private final Transactions transactions;
    private final Await await;
    private long timer = -1;

    public OrphanObjectSweeper(
            PendingObjectRepository pending,
            DocumentObjectStore store,
            ObjectStorageConfig config,
            Vertx vertx,
            Transactions transactions,
            Await await) {
        this.await = await;
        this.pending = pending;
        this.transactions = transactions;
        this.store = store;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.max(1000, config.orphanGracePeriod().toMillis() / 4);
        timer = vertx.setPeriodic(
                every,
                id -> vertx.executeBlocking(() -> sweep(config.orphanGracePeriod()), false)
                        .subscribe()
                        .with(n -> {}, failure -> LOG.warnf("Orphan sweep failed: %s", LogSafe.describe(failure))));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Blocking; returns how many orphans were deleted. */
    public int sweep(Duration olderThan) throws Exception {
        List<String> keys = await.result(pending.olderThan(olderThan, 500));
        int deleted = 0;
        for (String key : keys) {
            // The record stays locked while its object is deleted, so a late commit of the same
            // object waits, then finds the record gone and fails instead of pointing at nothing.
            boolean swept = await.result(transactions.run(connection -> pending.lockIfStale(connection, key, olderThan)
                    .chain(stale -> !stale
                            ? Uni.createFrom().item(false)
                            : store.delete(key)
                                    .chain(() -> pending.forget(connection, key))
                                    .replaceWith(true))));
            deleted += swept ? 1 : 0;
        }
        if (deleted > 0) {
            LOG.infof("Deleted %d objects stored without a committed document", deleted);
        }
        return deleted;
    }
}
