package fr.coffre.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SchemaMigrationsTest {

    @Inject
    Pool pool;

    @Test
    void versionedMigrationsRanAtStart() {
        var rows = pool.query(
                        "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(10));
        Row first = rows.iterator().next();
        assertEquals("1", first.getString("version"));
        for (Row row : rows) {
            assertTrue(row.getBoolean("success"), "migration " + row.getString("version") + " succeeded");
        }
    }

    @Test
    void documentOutboxAndSubmissionTablesExist() {
        Set<String> tables = new HashSet<>();
        pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(10))
                .forEach(row -> tables.add(row.getString("table_name")));
        assertTrue(tables.containsAll(Set.of("document", "outbox", "submission")), "tables: " + tables);
    }

    /**
     * Deleting a row checks every foreign key that points at it; without an index on the pointing
     * side, that check reads the whole pointing table, once per row deleted (an erasure deletes
     * all of a patient's documents).
     */
    @Test
    void everyForeignKeyHasAnIndexThatStartsWithItsColumns() {
        var unindexed = pool.query("""
                        SELECT c.conrelid::regclass::text || ' ' || c.conname AS foreign_key
                        FROM pg_constraint c
                        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
                        AND NOT EXISTS (
                            SELECT 1 FROM pg_index i
                            WHERE i.indrelid = c.conrelid
                            AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)
                        ORDER BY 1""").execute().await().atMost(Duration.ofSeconds(10));
        List<String> keys = new ArrayList<>();
        unindexed.forEach(row -> keys.add(row.getString("foreign_key")));
        assertEquals(List.of(), keys, "foreign keys without an index on their columns");
    }

    /**
     * An index whose keys begin another's, under the same predicate, serves no query the other does
     * not, and every insert and every change of an indexed or predicate column writes both.
     */
    @Test
    void noIndexRepeatsTheStartOfAnother() {
        var repeated = pool.query("""
                        SELECT a.indexrelid::regclass::text || ' repeats ' || b.indexrelid::regclass::text AS pair
                        FROM pg_index a
                        JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
                        JOIN pg_class ca ON ca.oid = a.indexrelid
                        JOIN pg_class cb ON cb.oid = b.indexrelid
                        WHERE ca.relnamespace = 'public'::regnamespace
                        AND NOT a.indisunique
                        AND ca.relam = cb.relam
                        AND a.indexprs IS NULL AND b.indexprs IS NULL
                        AND coalesce(pg_get_expr(a.indpred, a.indrelid), '')
                            = coalesce(pg_get_expr(b.indpred, b.indrelid), '')
                        AND a.indnkeyatts <= b.indnkeyatts
                        AND (a.indkey::int2[])[0:a.indnkeyatts - 1] = (b.indkey::int2[])[0:a.indnkeyatts - 1]
                        AND (a.indoption::int2[])[0:a.indnkeyatts - 1] = (b.indoption::int2[])[0:a.indnkeyatts - 1]
                        AND (a.indclass::oid[])[0:a.indnkeyatts - 1] = (b.indclass::oid[])[0:a.indnkeyatts - 1]
                        AND (a.indnkeyatts < b.indnkeyatts OR b.indisunique OR a.indexrelid > b.indexrelid)
                        ORDER BY 1""").execute().await().atMost(Duration.ofSeconds(10));
        List<String> pairs = new ArrayList<>();
        repeated.forEach(row -> pairs.add(row.getString("pair")));
        assertEquals(List.of(), pairs, "indexes that repeat the start of another");
    }
}
