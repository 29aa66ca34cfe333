package fr.coffre.load;

import java.net.URI;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.function.Function;

/**
 * Parameters of a run, from system properties ({@code -Dname=value} on the Maven command line),
 * with small defaults: a run without any stays a short trial. The target (the service, the token
 * endpoint, the OIDC clients, the corpus) may also come from environment variables, so that a load
 * tester can aim the same scenarios at a staging environment; the defaults are the local stack.
 */
public final class Settings {

    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static final String LOCAL_REALM = "http://127.0.0.1:58080/realms/coffre";
    private static String defaultRunId;
    /** Where environment variables are read; a test gives its own. */
    static Function<String, String> environment = System::getenv;

    private Settings() {
    }

    /** An OIDC client: id and secret. */
    public record Client(String id, String secret) {}

    /**
     * The service ({@code base.url}, {@code COFFRE_LOAD_BASE_URL}). On this machine unless
     * {@link #allowRemote()}: the project's own runs never send load anywhere else.
     */
    public static String baseUrl() {
        return target("base.url", "COFFRE_LOAD_BASE_URL", "http://127.0.0.1:8080");
    }

    /**
     * Where tokens are fetched ({@code token.url}, {@code COFFRE_LOAD_TOKEN_URL}); by default the
     * token endpoint of the realm at {@code keycloak.url} (the local Keycloak).
     */
    public static String tokenUrl() {
        String realm = target("keycloak.url", "COFFRE_LOAD_KEYCLOAK_URL", LOCAL_REALM);
        return target("token.url", "COFFRE_LOAD_TOKEN_URL", realm + "/protocol/openid-connect/token");
    }

    /**
     * The client a producer of the local realm sends as: its own (secrets of the local realm), or,
     * when {@code client.id} and {@code client.secret} are set ({@code COFFRE_LOAD_CLIENT_ID},
     * {@code COFFRE_LOAD_CLIENT_SECRET}), that one client for every producer.
     */
    public static Client producer(String localProducer) {
        String id = value("client.id", "COFFRE_LOAD_CLIENT_ID", null);
        if (id == null) {
            String secret = Tokens.PRODUCERS.get(localProducer);
            if (secret == null) {
                throw new IllegalArgumentException("no producer " + localProducer + " in the local realm");
            }
            return new Client(localProducer, secret);
        }
        String secret = value("client.secret", "COFFRE_LOAD_CLIENT_SECRET", null);
        if (secret == null) {
            throw new IllegalArgumentException("client.id is set without client.secret (COFFRE_LOAD_CLIENT_SECRET)");
        }
        return new Client(id, secret);
    }

    /**
     * The client whose password grant gives patients their tokens ({@code portal.client.id} and
     * {@code portal.client.secret}, {@code COFFRE_LOAD_PORTAL_CLIENT_ID} and
     * {@code COFFRE_LOAD_PORTAL_CLIENT_SECRET}), and the patients' password ({@code user.password},
     * {@code COFFRE_LOAD_USER_PASSWORD}); by default the local realm's.
     */
    public static Client portal() {
        return new Client(
                value("portal.client.id", "COFFRE_LOAD_PORTAL_CLIENT_ID", Tokens.PORTAL_CLIENT),
                value("portal.client.secret", "COFFRE_LOAD_PORTAL_CLIENT_SECRET", Tokens.PORTAL_SECRET));
    }

    public static String userPassword() {
        return value("user.password", "COFFRE_LOAD_USER_PASSWORD", Tokens.PATIENT_PASSWORD);
    }

    /**
     * Whether the target may be another machine ({@code allow.remote=true},
     * {@code COFFRE_LOAD_ALLOW_REMOTE=true}): said on purpose, never by default.
     */
    public static boolean allowRemote() {
        return Boolean.parseBoolean(value("allow.remote", "COFFRE_LOAD_ALLOW_REMOTE", "false"));
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

    /** The system property, else the environment variable, else the fallback. */
    static String value(String property, String variable, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = environment.apply(variable);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String target(String property, String variable, String fallback) {
        String value = value(property, variable, fallback);
        String host = URI.create(value).getHost();
        if (host == null || (!LOCAL_HOSTS.contains(host) && !allowRemote())) {
            throw new IllegalArgumentException(property + "=" + value + ": load tests target this machine only"
                    + " (127.0.0.1) unless allow.remote=true (COFFRE_LOAD_ALLOW_REMOTE=true) says otherwise");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
