package fr.coffre.ingest;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The {@code producer_quota} table's owner: one token bucket per producer, refilled at the rate
 * from its last refill, that every instance leases from.
 */
@ApplicationScoped
public class ProducerQuotaRepository {

    /** Tokens granted (0 when the bucket has less than one), and what the bucket holds after. */
    public record Lease(int granted, double left) {}

    // The bucket refilled to now, capped at the burst; $2 rate, $3 burst, $4 tokens wanted.
    private static final String REFILLED =
            "LEAST($3::float8, q.tokens + extract(epoch FROM now() - q.refilled_at)::float8 * $2::float8)";
    private static final String GRANTED = "LEAST($4::int, floor(" + REFILLED + ")::int)";

    private final Pool pool;

    public ProducerQuotaRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Lease> lease(String producerId, double rate, int burst, int wanted) {
        return pool.preparedQuery("INSERT INTO producer_quota AS q (producer_id, tokens, granted, refilled_at) "
                        + "VALUES ($1, $3::float8 - LEAST($4::int, $3::int), LEAST($4::int, $3::int), now()) "
                        + "ON CONFLICT (producer_id) DO UPDATE SET granted = " + GRANTED
                        + ", tokens = " + REFILLED + " - " + GRANTED + ", refilled_at = now() "
                        + "RETURNING granted, tokens")
                .execute(Tuple.of(producerId, rate, burst, wanted))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Lease(row.getInteger("granted"), row.getDouble("tokens"));
                });
    }

    /** Erasure: the bucket of a patient's own uploads, in the erasure's transaction. */
    public Uni<Void> erase(SqlConnection connection, String producerId) {
        return connection
                .preparedQuery("DELETE FROM producer_quota WHERE producer_id = $1")
                .execute(Tuple.of(producerId))
                .replaceWithVoid();
    }

    /** Buckets untouched for {@code idle}: full again by now, so the same as none. */
    public Uni<Integer> forgetIdle(Duration idle) {
        return pool.preparedQuery("DELETE FROM producer_quota WHERE refilled_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) idle.toSeconds()))
                .map(rows -> rows.rowCount());
    }
}
