package fr.coffre.database;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Transactions whose BEGIN goes to PostgreSQL with their first statements. The SQL client's own
 * ({@link Pool#withTransaction}) waits for the answer to BEGIN before it sends anything else: one
 * round trip more for every upload's commit and every indexed document's, each a wake-up of the
 * event loop, of PostgreSQL's backend and of the thread waiting for the commit.
 *
 * <p>The work is committed when its {@link Uni} succeeds and rolled back when it fails, so it must
 * fail whenever one of its statements does (as every work given to the client's own must): after a
 * failed statement PostgreSQL's transaction is aborted, and a COMMIT would end it as a rollback
 * without an error.
 */
@ApplicationScoped
public class Transactions {

    private final Pool pool;

    public Transactions(Pool pool) {
        this.pool = pool;
    }

    /**
     * BEGIN, the statements and COMMIT sent together: one round trip for the whole transaction.
     * Each of the {@link Uni}s must send its statements when it is subscribed, none waiting for
     * another's answer, and fail only when one of them fails: a refusal made by the service's own
     * code after reading an answer would come after the COMMIT. A failed statement aborts
     * PostgreSQL's transaction, and the COMMIT then ends it as a rollback: the statements after it
     * fail with SQLSTATE 25P02.
     *
     * @return a {@link io.smallrye.mutiny.CompositeException} of the failures, in the statements' order
     */
    public Uni<Void> runTogether(Function<SqlConnection, List<Uni<Void>>> statements) {
        return pool.withConnection(connection -> {
            List<Uni<Void>> all = new ArrayList<>();
            all.add(connection.query("BEGIN").execute().replaceWithVoid());
            all.addAll(statements.apply(connection));
            all.add(connection.query("COMMIT").execute().replaceWithVoid());
            return Uni.join().all(all).andCollectFailures().replaceWithVoid();
        });
    }

    public <T> Uni<T> run(Function<SqlConnection, Uni<T>> work) {
        return pool.withConnection(connection -> {
            Uni<Void> begin = connection.query("BEGIN").execute().replaceWithVoid();
            Uni<T> statements = work.apply(connection);
            // Both subscribed at once, BEGIN first: the connection sends its commands in that order
            // without waiting for the answers before them.
            return Uni.combine()
                    .all()
                    .unis(begin, statements)
                    .with((begun, item) -> item)
                    .onItemOrFailure()
                    .transformToUni((item, failure) -> failure == null
                            ? connection.query("COMMIT").execute().replaceWith(item)
                            : connection
                                    .query("ROLLBACK")
                                    .execute()
                                    .onItemOrFailure()
                                    .transformToUni((rolledBack, lost) ->
                                            Uni.createFrom().failure(failure)));
        });
    }
}
