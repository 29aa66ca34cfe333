package fr.coffre.outbox;

import fr.coffre.event.DocumentEvent;
import fr.coffre.event.EventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** The {@code outbox} table: events committed with the rows they announce, waiting for the relay. */
@ApplicationScoped
public class OutboxRepository {

    /**
     * An event to relay, already encoded by {@link EventCodec}; {@code traceparent} is the W3C trace
     * context it was written in, null when untraced.
     */
    public record OutboxEvent(long id, String topic, String key, String payload, String traceparent) {}

    /**
     * Adds an event in the caller's transaction, so it commits or vanishes with the row it announces.
     * {@code traceparent} (see {@link fr.coffre.observability.Traceparent#current()}, null when there is
     * no trace) goes with the record the relay sends, so its consumer continues the trace.
     */
    public Uni<Void> append(
            SqlConnection connection, String topic, String key, DocumentEvent event, String traceparent) {
        return connection
                .preparedQuery("INSERT INTO outbox (topic, record_key, payload, traceparent, document_id) "
                        + "VALUES ($1, $2, $3::text::jsonb, $4, $5)")
                .execute(Tuple.of(topic, key, EventCodec.encode(event), traceparent, event.documentId()))
                .replaceWithVoid();
    }

    /**
     * Claims the oldest events no relay holds (or whose claim has expired) for {@code claim}: one
     * short statement, so no transaction or row lock is held while they travel to Kafka. Oldest first.
     */
    public Uni<List<OutboxEvent>> claimOldest(Pool pool, int limit, Duration claim) {
        return pool.preparedQuery("UPDATE outbox SET claimed_until = now() + $2 * interval '1 millisecond' "
                        + "WHERE id IN (SELECT id FROM outbox WHERE claimed_until IS NULL OR claimed_until < now() "
                        + "ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id, topic, record_key, payload::text AS payload, traceparent")
                .execute(Tuple.of(limit, claim.toMillis()))
                .map(rows -> {
                    List<OutboxEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(new OutboxEvent(
                            row.getLong("id"),
                            row.getString("topic"),
                            row.getString("record_key"),
                            row.getString("payload"),
                            row.getString("traceparent"))));
                    events.sort(Comparator.comparingLong(OutboxEvent::id));
                    return events;
                });
    }

    /** Sent and acknowledged: gone. */
    public Uni<Void> delete(Pool pool, List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /** Not acknowledged: claimable again at once rather than when the claim expires. */
    public Uni<Void> release(Pool pool, List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /** Erasure: the unsent events about these documents. */
    public Uni<Void> eraseAbout(SqlConnection connection, List<UUID> documentIds) {
        return connection
                .preparedQuery("DELETE FROM outbox WHERE document_id = ANY($1)")
                .execute(Tuple.of(documentIds.toArray(UUID[]::new)))
                .replaceWithVoid();
    }
}
