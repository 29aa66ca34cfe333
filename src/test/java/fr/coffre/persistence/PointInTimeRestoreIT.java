package fr.coffre.persistence;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.LocalStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The restore drill of docs/operations.md ("Backups and point-in-time restore"), run for real against
 * the local stack's PostgreSQL (issue 15, item 7): a base backup, one commit before a moment and one
 * after it, the WAL archived, then a copy restored to that moment on a spare port. The copy must
 * hold the first commit and not the second. The copy, the backup and the scratch table are removed
 * at the end; every step has its own deadline.
 */
class PointInTimeRestoreIT {

    private static final Pattern BACKUP = Pattern.compile("base backup: (\\S+) ");
    private static final Pattern ARCHIVED = Pattern.compile("archived ([0-9A-F]{24}) ");

    @Test
    void aCopyRestoredToAMomentHoldsWhatWasCommittedBeforeItAndNothingAfter() throws Exception {
        assertEquals(
                List.of("on"),
                Database.strings("SHOW archive_mode"),
                "PostgreSQL must archive its WAL: restart it with this stack/stack (stack stop postgres; stack start postgres)");
        String table = "coffre_test_pitr_" + UUID.randomUUID().toString().substring(0, 8);
        String port = String.valueOf(sparePort());
        Path backup = null;
        try {
            execute("CREATE TABLE " + table + " (marker text PRIMARY KEY)");
            backup = Path.of(found(BACKUP, LocalStack.run(Duration.ofSeconds(20), "pg-backup")));

            execute("INSERT INTO " + table + " VALUES ('before')");
            // Read from the server's clock, the one its commit timestamps come from; after the first
            // commit returned and before the second was sent.
            String moment = Database.strings(
                            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
                    .getFirst();
            execute("INSERT INTO " + table + " VALUES ('after')");

            String segment = found(ARCHIVED, LocalStack.run(Duration.ofSeconds(35), "pg-switch-wal"));
            await("the archiver reports " + segment + " archived")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> archivedUpTo(segment));

            String restore = LocalStack.run(Duration.ofSeconds(30), "pg-restore", "--to", moment, "--port", port);
            try (Connection copy = Database.connect(Integer.parseInt(port));
                    Statement statement = copy.createStatement()) {
                assertEquals(List.of("before"), column(statement, "SELECT marker FROM " + table), restore);
                assertEquals(
                        List.of("promoted"),
                        column(statement, "SELECT CASE WHEN pg_is_in_recovery() THEN 'recovering' ELSE 'promoted' END"),
                        "the copy ended its recovery: it takes writes");
            }
        } finally {
            try {
                LocalStack.run(Duration.ofSeconds(35), "pg-restore-discard", "--port", port);
            } finally {
                execute("DROP TABLE IF EXISTS " + table);
                if (backup != null) {
                    delete(backup);
                }
            }
        }
    }

    private static int sparePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String found(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        assertTrue(matcher.find(), "expected " + pattern + " in: " + output);
        return matcher.group(1);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = Database.connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Segment names of one timeline sort in the order they were written; a .backup file starts with its segment's. */
    private static boolean archivedUpTo(String segment) {
        List<String> last = Database.strings("SELECT last_archived_wal FROM pg_stat_archiver");
        String name = last.isEmpty() || last.getFirst() == null ? "" : last.getFirst();
        return name.matches("[0-9A-F]{24}.*") && name.substring(0, 24).compareTo(segment) >= 0;
    }

    private static List<String> column(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static void delete(Path backup) throws IOException {
        assertEquals("pg-backups", backup.getParent().getFileName().toString(), "not a backup of the stack: " + backup);
        try (Stream<Path> files = Files.walk(backup)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
