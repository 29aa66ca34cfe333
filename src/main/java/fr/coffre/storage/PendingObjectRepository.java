package fr.coffre.storage;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Objects written whose document is not committed yet (see V2__pending_objects.sql). */
@ApplicationScoped
public class PendingObjectRepository {

    /** forget_pending_object's refusal. */
    private static final String SWEPT = "CF002";

    private final Pool pool;

    public PendingObjectRepository(Pool pool) {
        this.pool = pool;
    }

    /** Committed on its own, before the first byte of the object is written. */
    public Uni<Void> record(String objectKey) {
        return pool.preparedQuery("INSERT INTO pending_object (object_key) VALUES ($1)")
                .execute(Tuple.of(objectKey))
                .replaceWithVoid();
    }

    /**
     * In the transaction that commits the object's document. Fails if the record is gone: the
     * sweeper took the object for an orphan (an upload slower than the grace period), and a row
     * must never point at a deleted object. One statement that fails (V21's
     * {@code forget_pending_object}), so that the commit's COMMIT may be sent with it.
     */
    public Uni<Void> forget(SqlConnection connection, String objectKey) {
        return connection
                .preparedQuery("SELECT forget_pending_object($1)")
                .execute(Tuple.of(objectKey))
                .onFailure(e -> e instanceof PgException pg && SWEPT.equals(pg.getSqlState()))
                .transform(e -> new ObjectSweptException(objectKey))
                .replaceWithVoid();
    }

    /** In the sweeper's transaction: locks the record if it is older than the grace period and not locked. */
    public Uni<Boolean> lockIfStale(SqlConnection connection, String objectKey, Duration age) {
        return connection
                .preparedQuery("SELECT 1 FROM pending_object WHERE object_key = $1 "
                        + "AND created_at < now() - make_interval(secs => $2) FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(objectKey, (double) age.toSeconds()))
                .map(rows -> rows.size() == 1);
    }

    public static final class ObjectSweptException extends RuntimeException {
        ObjectSweptException(String key) {
            super("object " + key + " was swept as an orphan before its document committed");
        }
    }

    public Uni<Void> forget(String objectKey) {
        return pool.preparedQuery("DELETE FROM pending_object WHERE object_key = $1")
                .execute(Tuple.of(objectKey))
                .replaceWithVoid();
    }

    public Uni<List<String>> olderThan(Duration age, int limit) {
        return pool.preparedQuery("SELECT object_key FROM pending_object "
                        + "WHERE created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2")
                .execute(Tuple.of((double) age.toSeconds(), limit))
                .map(rows -> {
                    List<String> keys = new ArrayList<>();
                    rows.forEach(row -> keys.add(row.getString(0)));
                    return keys;
                });
    }

    /**
     * Erasure: hands these objects to the sweeper in the erasure's transaction, backdated past any
     * grace period, so that what is not deleted at once goes on its next pass.
     */
    public Uni<Void> handOver(SqlConnection connection, List<String> objectKeys) {
        return connection
                .preparedQuery("INSERT INTO pending_object (object_key, created_at) "
                        + "SELECT unnest($1::text[]), now() - interval '100 years' "
                        + "ON CONFLICT (object_key) DO UPDATE SET created_at = EXCLUDED.created_at")
                .execute(Tuple.of(objectKeys.toArray(String[]::new)))
                .replaceWithVoid();
    }
}
