package fr.coffre.observability;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Measures something now and then at a fixed interval on a Vert.x timer, and hands each value to
 * its consumer: how the indexing backlog, the documents by status and the consumer lag are kept
 * up to date without asking a server on every request or every scrape. A measurement still running
 * when the next is due is not doubled; a failed one keeps the last value and is logged at debug.
 */
public final class Sampler<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Sampler.class);

    private final Vertx vertx;
    private final String what;
    private final Supplier<Uni<T>> measure;
    private final Consumer<T> record;
    private final AtomicBoolean running = new AtomicBoolean();
    private final long timer;

    private Sampler(Vertx vertx, Duration interval, String what, Supplier<Uni<T>> measure, Consumer<T> record) {
        this.vertx = vertx;
        this.what = what;
        this.measure = measure;
        this.record = record;
        sample();
        this.timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> sample());
    }

    /** Measures at once, then every {@code interval} until closed. */
    public static <T> Sampler<T> every(
            Vertx vertx, Duration interval, String what, Supplier<Uni<T>> measure, Consumer<T> record) {
        return new Sampler<>(vertx, interval, what, measure, record);
    }

    private void sample() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Uni<T> measurement;
        try {
            measurement = measure.get();
        } catch (RuntimeException e) {
            running.set(false);
            LOG.debugf("Could not measure %s: %s", what, LogSafe.describe(e));
            return;
        }
        measurement
                .subscribe()
                .with(
                        value -> {
                            running.set(false);
                            record.accept(value);
                        },
                        failure -> {
                            running.set(false);
                            LOG.debugf("Could not measure %s: %s", what, LogSafe.describe(failure));
                        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
