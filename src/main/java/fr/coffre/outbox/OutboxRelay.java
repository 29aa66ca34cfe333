package fr.coffre.outbox;

import fr.coffre.observability.LogSafe;
import fr.coffre.observability.Traceparent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Moves committed events from the outbox table to Kafka, oldest first, and deletes them once
 * Kafka has acknowledged them (acks=all, idempotent producer). Instances share the work by
 * claiming batches for {@code coffre.outbox.claim}; no transaction is open while Kafka answers. A
 * relay that dies before deleting leaves its claim to expire and the batch is sent again:
 * consumers are idempotent on the document id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    static final int BATCH = 256;

    private final Pool pool;
    private final Duration claim;
    private final OutboxRepository outbox;
    private final MutinyEmitter<String> emitter;
    private final Vertx vertx;
    private final long intervalMillis;
    private final Duration linger;
    private final DistributionSummary batches;
    private volatile LingeringTrigger trigger;
    private boolean running;
    private boolean again;
    private volatile Context context;
    private long timer = -1;
    private long lastFailureLog;

    public OutboxRelay(
            Pool pool,
            OutboxRepository outbox,
            @Channel("outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2 * BATCH)
                    MutinyEmitter<String> emitter,
            Vertx vertx,
            OutboxConfig config,
            MeterRegistry registry) {
        this.pool = pool;
        this.outbox = outbox;
        this.emitter = emitter;
        this.vertx = vertx;
        this.intervalMillis = config.pollInterval();
        this.linger = config.linger();
        this.claim = config.claim();
        this.batches = DistributionSummary.builder("coffre.outbox.batch")
                .description("Events each pass of the relay sent to Kafka (passes that found none are not counted)")
                .baseUnit("events")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        // Started from the main thread, so a context of the relay's own: a pass woken by an upload
        // must not run on the request's context, which it would outlive (its callbacks there
        // switched the request's CDI context off under the thread still writing the answer).
        context = vertx.getOrCreateContext();
        trigger = new LingeringTrigger(vertx, context, linger, this::startPass);
        timer = vertx.setPeriodic(intervalMillis, id -> wakeUp());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Relays after {@code coffre.outbox.linger} rather than at the next tick. A call while a pass is
     * due changes nothing: that pass claims after it, so it sees the caller's committed event.
     */
    public void wakeUp() {
        LingeringTrigger relayTrigger = trigger;
        if (relayTrigger != null) { // else not started yet: the first tick relays
            relayTrigger.fire();
        }
    }

    // From here on, the relay's own context only: its single thread orders the passes.

    private void startPass() {
        if (running) {
            again = true;
            return;
        }
        running = true;
        pass();
    }

    private void passEnded(boolean more) {
        running = false;
        if (more || again) {
            again = false;
            startPass();
        }
    }

    private void pass() {
        outbox.claimOldest(pool, BATCH, claim)
                .flatMap(events -> {
                    if (events.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Uni<Boolean>> sends = events.stream()
                            .map(event ->
                                    send(event).replaceWith(true).onFailure().recoverWithItem(false))
                            .toList();
                    return Uni.join().all(sends).andFailFast().flatMap(acknowledged -> {
                        List<Long> sent = new ArrayList<>();
                        List<Long> unsent = new ArrayList<>();
                        for (int i = 0; i < events.size(); i++) {
                            (acknowledged.get(i) ? sent : unsent)
                                    .add(events.get(i).id());
                        }
                        Uni<Void> settle = outbox.delete(pool, sent).chain(() -> outbox.release(pool, unsent));
                        return unsent.isEmpty()
                                ? settle.replaceWith(events.size())
                                : settle.chain(() -> Uni.createFrom()
                                        .failure(new IllegalStateException(unsent.size() + " of " + events.size()
                                                + " events not acknowledged by Kafka")));
                    });
                })
                .subscribe()
                .with(
                        relayed -> context.runOnContext(() -> {
                            if (relayed > 0) {
                                batches.record(relayed);
                            }
                            passEnded(relayed == BATCH);
                        }),
                        failure -> context.runOnContext(() -> {
                            // No pass follows a failure at once: the next tick tries again.
                            running = false;
                            again = false;
                            long now = System.currentTimeMillis();
                            if (now - lastFailureLog > 60_000) {
                                lastFailureLog = now;
                                LOG.warnf(
                                        "Outbox relay paused, events wait in PostgreSQL: %s",
                                        LogSafe.describe(failure));
                            }
                        }));
    }

    // The trace context of the request that wrote the event travels as the record's W3C traceparent
    // header (this channel's own tracing is off, so nothing else sets it).
    private Uni<Void> send(OutboxRepository.OutboxEvent event) {
        var metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(event.topic())
                .withKey(event.key());
        if (event.traceparent() != null) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(Traceparent.HEADER, event.traceparent().getBytes(StandardCharsets.UTF_8));
            metadata = metadata.withHeaders(headers);
        }
        return emitter.sendMessage(Message.of(event.payload()).addMetadata(metadata.build()));
    }
}
