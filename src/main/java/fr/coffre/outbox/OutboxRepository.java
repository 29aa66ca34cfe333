package fr.coffre.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class OutboxRepository {

    /** An event to relay; {@code traceparent} is the W3C trace context it was written in, null when untraced. */
    public record OutboxEvent(long id, String topic, String key, JsonObject payload, String traceparent) {
    }

    /**
     * Adds an event in the caller's transaction, so it commits or vanishes with the row it announces.
     * {@code traceparent} (see {@link fr.coffre.observability.Traceparent#current()}, null when there is
     * no trace) goes with the record the relay sends, so its consumer continues the trace.
     */
    public Uni<Void> append(SqlConnection connection, String topic, String key, JsonObject payload, String traceparent) {
        return connection.preparedQuery("INSERT INTO outbox (topic, record_key, payload, traceparent) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(topic, key, payload, traceparent))
                .replaceWithVoid();
    }

    /** The oldest unpublished events, locked so that another relay instance skips them. */
    public Uni<List<OutboxEvent>> lockOldest(SqlConnection connection, int limit) {
        return connection.preparedQuery("SELECT id, topic, record_key, payload, traceparent FROM outbox "
                        + "WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<OutboxEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(new OutboxEvent(row.getLong("id"), row.getString("topic"),
                            row.getString("record_key"), (JsonObject) row.getValue("payload"), row.getString("traceparent"))));
                    return events;
                });
    }

    public Uni<Void> delete(SqlConnection connection, List<Long> ids) {
        return connection.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .replaceWithVoid();
    }
}
