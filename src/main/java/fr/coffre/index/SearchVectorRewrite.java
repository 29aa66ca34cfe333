package fr.coffre.index;

import fr.coffre.observability.LogSafe;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Brings the search vectors indexed before V19 to what indexing writes since: their words joined
 * to digits unaccented, so that a search for "1ere" finds "1ère" in older documents too. Runs on
 * worker instances, a batch at a time until no row is left, each batch its own short transaction;
 * instances take turns, and a stopped rewrite resumes where it stopped. Once it has finished, what
 * remains is a look at one row every minute.
 */
@ApplicationScoped
public class SearchVectorRewrite {

    private static final Logger LOG = Logger.getLogger(SearchVectorRewrite.class);
    static final int BATCH = 500;
    private static final long CHECK_MILLIS = 60_000;

    private final IndexRepository index;
    private final Vertx vertx;
    private final boolean worker;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public SearchVectorRewrite(
            IndexRepository index,
            Vertx vertx,
            // A setting rather than the roles' mapping: index sits below roles.
            @ConfigProperty(name = "coffre.role.worker", defaultValue = "true") boolean worker) {
        this.index = index;
        this.vertx = vertx;
        this.worker = worker;
    }

    void onStart(@Observes StartupEvent event) {
        if (!worker) {
            return;
        }
        start();
        timer = vertx.setPeriodic(CHECK_MILLIS, id -> start());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Starts the rewrite unless it runs already here; it goes on batch after batch without holding
     * a thread, until no row is left or another instance holds it.
     */
    public void start() {
        if (running.compareAndSet(false, true)) {
            next(0, 0);
        }
    }

    private void next(long scanned, long rewritten) {
        index.rewriteWordsWithDigits(BATCH)
                .subscribe()
                .with(
                        batch -> {
                            if (!batch.claimed()) {
                                running.set(false);
                                return;
                            }
                            if (scanned == 0) {
                                LOG.info("Rewriting the search vectors indexed before V19 (words joined to digits"
                                        + " unaccented)");
                            }
                            long nowScanned = scanned + batch.scanned();
                            long nowRewritten = rewritten + batch.rewritten();
                            if (batch.finished()) {
                                running.set(false);
                                LOG.infof("Search vectors rewritten: %d of %d rows changed", nowRewritten, nowScanned);
                            } else {
                                next(nowScanned, nowRewritten);
                            }
                        },
                        failure -> {
                            running.set(false);
                            LOG.warnf(
                                    "Could not rewrite the search vectors indexed before V19; next try in a minute: %s",
                                    LogSafe.describe(failure));
                        });
    }
}
