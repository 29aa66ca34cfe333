package fr.coffre.outbox;

import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action on one Vert.x context a fixed time after the first of the calls made since it
 * last ran. The calls in between change nothing: whatever they announce waits for that one run,
 * which is how many commits come to share one pass of the relay.
 */
final class LingeringTrigger {

    private final Vertx vertx;
    private final Context context;
    private final long lingerMillis;
    private final Runnable action;
    private final AtomicBoolean due = new AtomicBoolean();

    /** {@code linger} zero runs the action at once, on {@code context} still. */
    LingeringTrigger(Vertx vertx, Context context, Duration linger, Runnable action) {
        this.vertx = vertx;
        this.context = context;
        this.lingerMillis = linger.toMillis();
        this.action = action;
    }

    /** From any thread. */
    void fire() {
        if (!due.compareAndSet(false, true)) {
            return;
        }
        context.runOnContext(() -> {
            if (lingerMillis == 0) {
                run();
            } else {
                // Set from the context, so the timer fires on it.
                vertx.setTimer(lingerMillis, id -> run());
            }
        });
    }

    private void run() {
        // Cleared before the action, so that a call made while it runs is not lost: it makes
        // another run, after it.
        due.set(false);
        action.run();
    }
}
