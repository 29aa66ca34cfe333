package fr.coffre.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
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
}
