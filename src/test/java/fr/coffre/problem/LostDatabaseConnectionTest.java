package fr.coffre.problem;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.observability.LogSafe;
import fr.coffre.testing.Database;
import fr.coffre.testing.ThrottlingProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL vanishing under a statement, as a killed server does (its connections end without an
 * error message), is the service's trouble and passes: 503, never 500. The failures are the SQL
 * client's own, got from the real server through a proxy that drops the connection.
 */
class LostDatabaseConnectionTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void statementsInFlightOrWaitingWhenTheServerVanishesAndTheNextOneOnTheirConnectionAreUnavailableNotErrors()
            throws Exception {
        try (ThrottlingProxy server = new ThrottlingProxy(Database.port(), Long.MAX_VALUE)) {
            Pool pool = PgBuilder.pool()
                    .connectingTo(Database.reactive(server.port()))
                    .using(vertx)
                    .build();
            try {
                SqlConnection connection = result(pool.getConnection());
                String tag = "lost_" + UUID.randomUUID().toString().replace('-', '_');
                Future<?> inFlight = connection
                        .query("SELECT pg_sleep(" + WAIT.toSeconds() + ") AS " + tag)
                        .execute();
                // A statement not prepared yet holds back those after it on the connection until
                // its preparation is answered: the last one is still waiting to be sent.
                Future<?> preparing = connection.preparedQuery("SELECT $1::int").execute(Tuple.of(1));
                Future<?> waiting = connection.query("SELECT 2").execute();
                await().atMost(WAIT)
                        .until(() -> Database.count(
                                        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE ?",
                                        "%" + tag + "%")
                                == 1);

                server.dropConnections();

                assertUnavailable(failureOf(inFlight));
                assertUnavailable(failureOf(preparing));
                assertUnavailable(failureOf(waiting));
                assertUnavailable(failureOf(connection.query("SELECT 1").execute()));
            } finally {
                pool.close();
            }
        }
    }

    @Test
    void noPooledConnectionComingFreeInTimeIsUnavailableNotAnError() throws Exception {
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(1)
                        .setConnectionTimeout(1)
                        .setConnectionTimeoutUnit(TimeUnit.SECONDS))
                .connectingTo(Database.reactive(Database.port()))
                .using(vertx)
                .build();
        try {
            SqlConnection busy = result(pool.getConnection());
            try {
                assertUnavailable(failureOf(pool.preparedQuery("SELECT 1").execute()));
                assertUnavailable(failureOf(pool.getConnection()));
                assertUnavailable(failureOf(pool.withTransaction(
                        connection -> connection.query("SELECT 1").execute())));
            } finally {
                busy.close();
            }
        } finally {
            pool.close();
        }
    }

    private static void assertUnavailable(Throwable failure) {
        // Await wraps a checked failure as it comes out of the reactive call.
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(new CompletionException(failure)),
                LogSafe.describe(failure));
    }

    private static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> future) throws Exception {
        try {
            result(future);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the statement succeeded");
    }
}
