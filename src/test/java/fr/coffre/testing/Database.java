package fr.coffre.testing;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/** The local stack's PostgreSQL, for tests that check what the service committed from outside it. */
public final class Database {

    private Database() {}

    public static Connection connect() throws SQLException {
        return connect(port());
    }

    public static int port() {
        return Integer.parseInt(env("COFFRE_PG_PORT", "55432"));
    }

    /** The options of the service's own client for the same database on {@code port} of the host. */
    public static PgConnectOptions reactive(int port) {
        return new PgConnectOptions()
                .setHost(env("COFFRE_PG_HOST", "127.0.0.1"))
                .setPort(port)
                .setDatabase(env("COFFRE_PG_DB", "coffre"))
                .setUser(env("COFFRE_PG_USER", "coffre"))
                .setPassword(env("COFFRE_PG_PASSWORD", "coffre-local"));
    }

    /** The same database and credentials on another server of the same host (a restored copy). */
    public static Connection connect(int port) throws SQLException {
        String url = "jdbc:postgresql://" + env("COFFRE_PG_HOST", "127.0.0.1") + ":" + port + "/"
                + env("COFFRE_PG_DB", "coffre");
        return DriverManager.getConnection(
                url, env("COFFRE_PG_USER", "coffre"), env("COFFRE_PG_PASSWORD", "coffre-local"));
    }

    public static long count(String sql, Object... parameters) {
        List<String> values = strings(sql, parameters);
        return values.isEmpty() ? 0 : Long.parseLong(values.get(0));
    }

    /** Runs one change, as a test sets the scene for what it checks; how many rows it touched. */
    public static int update(String sql, Object... parameters) {
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row, as text. */
    public static List<String> strings(String sql, Object... parameters) {
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String status(String documentId) {
        return strings("SELECT status FROM document WHERE id = ?::uuid", documentId)
                .get(0);
    }

    public static String statusReason(String documentId) {
        return strings("SELECT status_reason FROM document WHERE id = ?::uuid", documentId)
                .get(0);
    }

    /** Waits until the workers are done with the document, and says how it ended. */
    public static String awaitConcluded(String documentId) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .until(() -> status(documentId), s -> !s.equals("STORED"));
    }

    private static String env(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }
}
