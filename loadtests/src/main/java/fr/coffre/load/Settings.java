package fr.coffre.load;

import java.net.URI;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * Parameters of a run, from system properties ({@code -Dname=value} on the Maven command line),
 * with small defaults: a run without any stays a short trial.
 */
public final class Settings {

    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static String defaultRunId;

    private Settings() {
    }

    /** The service, on this machine only: load is never sent anywhere else. */
    public static String baseUrl() {
        return local("base.url", "http://127.0.0.1:8080");
    }

    /** The realm issuing the tokens (the local Keycloak). */
    public static String realmUrl() {
        return local("keycloak.url", "http://127.0.0.1:58080/realms/coffre");
    }

    /** Names the documents of a run (their unique ids start with it); a new one per run by default. */
    public static synchronized String runId() {
        String configured = System.getProperty("run.id");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (defaultRunId == null) {
            defaultRunId = "lt" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
        }
        return defaultRunId;
    }

    public static long seed() {
        return Long.getLong("seed", 1L);
    }

    public static int integer(String name, int fallback) {
        return Integer.getInteger(name, fallback);
    }

    public static double decimal(String name, double fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : Double.parseDouble(value);
    }

    public static String string(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String local(String name, String fallback) {
        String value = string(name, fallback);
        String host = URI.create(value).getHost();
        if (host == null || !LOCAL_HOSTS.contains(host)) {
            throw new IllegalArgumentException(name + "=" + value + ": load tests target this machine only (127.0.0.1)");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
