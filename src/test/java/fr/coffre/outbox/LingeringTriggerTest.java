package fr.coffre.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LingeringTriggerTest {

    static final Duration LINGER = Duration.ofMillis(400);

    static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.closeAndAwait();
    }

    @Test
    void callsMadeWhileARunIsDueMakeOneRunNoSoonerThanTheLinger() {
        AtomicInteger runs = new AtomicInteger();
        List<Long> ranAt = new CopyOnWriteArrayList<>();
        LingeringTrigger trigger = new LingeringTrigger(vertx, vertx.getOrCreateContext(), LINGER, () -> {
            ranAt.add(System.nanoTime());
            runs.incrementAndGet();
        });

        long firstCall = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            trigger.fire();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
        assertTrue(
                ranAt.getFirst() - firstCall >= LINGER.toNanos(),
                "ran " + Duration.ofNanos(ranAt.getFirst() - firstCall).toMillis() + " ms after the first call");
        await("no second run for calls made before the first")
                .during(LINGER.multipliedBy(2))
                .atMost(LINGER.multipliedBy(4))
                .until(() -> runs.get() == 1);
    }

    @Test
    void aCallMadeAfterARunStartedMakesAnother() {
        AtomicInteger runs = new AtomicInteger();
        LingeringTrigger[] trigger = new LingeringTrigger[1];
        trigger[0] = new LingeringTrigger(vertx, vertx.getOrCreateContext(), LINGER, () -> {
            if (runs.incrementAndGet() == 1) {
                trigger[0].fire(); // what the run is doing may have missed this caller's news
            }
        });

        trigger[0].fire();

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
        trigger[0].fire();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 3);
    }

    @Test
    void theActionRunsOnTheGivenContextWhoeverCalls() {
        Context context = vertx.getOrCreateContext();
        List<Object> seen = new CopyOnWriteArrayList<>();
        LingeringTrigger lingering = new LingeringTrigger(
                vertx, context, LINGER, () -> seen.add(Vertx.currentContext().getDelegate()));
        LingeringTrigger atOnce = new LingeringTrigger(
                vertx,
                context,
                Duration.ZERO,
                () -> seen.add(Vertx.currentContext().getDelegate()));

        lingering.fire();
        atOnce.fire();

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertSame(context.getDelegate(), seen.get(0));
        assertSame(context.getDelegate(), seen.get(1));
    }
}
