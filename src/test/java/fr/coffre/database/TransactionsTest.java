package fr.coffre.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A transaction whose BEGIN is not waited for is still one transaction: all of it, or none. */
@QuarkusTest
class TransactionsTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    Transactions transactions;

    @Inject
    Pool pool;

    @AfterEach
    void forgetTheRecords() {
        // Records of objects never written: the orphan sweeper would take them, later.
        pool.query("DELETE FROM pending_object WHERE object_key LIKE 'transactions-test/%'")
                .execute()
                .await()
                .atMost(DEADLINE);
    }

    @Test
    void itsStatementsRunInOneTransactionAndAreCommittedWhenTheWorkSucceeds() {
        String key = "transactions-test/" + UUID.randomUUID();
        long[] ids = transactions
                .run(connection -> Uni.join()
                        .all(txid(connection), record(connection, key), txid(connection))
                        .andFailFast()
                        .map(items -> new long[] {(Long) items.get(0), (Long) items.get(2)}))
                .await()
                .atMost(DEADLINE);
        assertEquals(ids[0], ids[1], "the statements before and after the insert are in one transaction");
        assertEquals(1, recorded(key));
    }

    @Test
    void aStatementThatFailsRollsBackThoseBeforeIt() {
        String key = "transactions-test/" + UUID.randomUUID();
        recordTwiceInOneTransaction(key);
        assertEquals(0, recorded(key), "the first insert is rolled back with the second, a duplicate key");
    }

    @Test
    void workThatFailsAfterItsStatementsRollsThemBack() {
        String key = "transactions-test/" + UUID.randomUUID();
        IllegalStateException refused = new IllegalStateException("refused after the insert");
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> transactions
                        .run(connection -> record(connection, key).invoke(() -> {
                            throw refused;
                        }))
                        .await()
                        .atMost(DEADLINE));
        assertEquals(refused, thrown);
        assertEquals(0, recorded(key));
    }

    @Test
    void theConnectionGoesBackToThePoolWithNoTransactionOpen() {
        int size = 40; // more than the pool's connections, so that each one is used again
        for (int i = 0; i < size; i++) {
            recordTwiceInOneTransaction("transactions-test/" + UUID.randomUUID());
        }
        for (int i = 0; i < size; i++) {
            String key = "transactions-test/" + UUID.randomUUID();
            // In a transaction left open (or aborted) the insert would not be visible elsewhere.
            pool.withConnection(connection -> record(connection, key)).await().atMost(DEADLINE);
            assertEquals(1, recorded(key));
        }
    }

    @Test
    void statementsSentWithTheirCommitAreCommittedTogether() {
        String first = "transactions-test/" + UUID.randomUUID();
        String second = "transactions-test/" + UUID.randomUUID();
        transactions
                .runTogether(connection -> List.of(
                        record(connection, first).replaceWithVoid(),
                        record(connection, second).replaceWithVoid()))
                .await()
                .atMost(DEADLINE);
        assertEquals(1, recorded(first));
        assertEquals(1, recorded(second));
    }

    @Test
    void aStatementThatFailsBeforeItsCommitRollsBackTheWholeTransaction() {
        for (int i = 0; i < 40; i++) { // more than the pool's connections: each one is used again below
            String key = "transactions-test/" + UUID.randomUUID();
            String after = "transactions-test/" + UUID.randomUUID();
            CompositeException failures = assertThrows(
                    CompositeException.class,
                    () -> transactions
                            .runTogether(connection -> List.of(
                                    record(connection, key).replaceWithVoid(),
                                    record(connection, key).replaceWithVoid(),
                                    record(connection, after).replaceWithVoid()))
                            .await()
                            .atMost(DEADLINE));
            assertEquals(
                    List.of("23505", "25P02"),
                    failures.getCauses().stream()
                            .map(f -> ((PgException) f).getSqlState())
                            .toList(),
                    "the duplicate key, then the statement after it in the aborted transaction");
            assertEquals(0, recorded(key), "the insert before the failure is rolled back");
            assertEquals(0, recorded(after));
        }
        String key = "transactions-test/" + UUID.randomUUID();
        for (int i = 0; i < 40; i++) {
            String next = key + "/" + i;
            pool.withConnection(connection -> record(connection, next)).await().atMost(DEADLINE);
            assertEquals(1, recorded(next), "no connection is left in a transaction");
        }
    }

    /** A transaction that inserts the same key twice, and fails on the second insert. */
    private void recordTwiceInOneTransaction(String key) {
        assertThrows(
                PgException.class,
                () -> transactions
                        .run(connection -> Uni.join()
                                .all(record(connection, key), record(connection, key))
                                .andFailFast())
                        .await()
                        .atMost(DEADLINE));
    }

    private static Uni<Long> txid(SqlConnection connection) {
        return connection
                .query("SELECT txid_current()")
                .execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static Uni<Long> record(SqlConnection connection, String key) {
        return connection
                .preparedQuery("INSERT INTO pending_object (object_key) VALUES ($1)")
                .execute(Tuple.of(key))
                .replaceWith(0L);
    }

    private long recorded(String key) {
        return pool.preparedQuery("SELECT count(*) FROM pending_object WHERE object_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> rows.iterator().next().getLong(0))
                .await()
                .atMost(DEADLINE);
    }
}
