package fr.coffre.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Access tokens from the target's token endpoint (the local Keycloak by default, see
 * {@link Settings}), fetched once when registered and fetched again on a background thread before
 * they expire (they live 300 s in the local realm), so that virtual users only read a field and
 * never wait for the identity provider.
 */
public final class Tokens implements AutoCloseable {

    /** Producers of the local realm: client id and secret. */
    public static final Map<String, String> PRODUCERS = Map.of(
            "chu-lyon-dpi", "chu-lyon-local-secret",
            "labo-biomed-sil", "labo-biomed-local-secret",
            "imagerie-sud-ris", "imagerie-sud-local-secret");
    public static final String PORTAL_CLIENT = "coffre-portal";
    public static final String PORTAL_SECRET = "portal-local-secret";
    public static final String PATIENT_PASSWORD = "local-password";

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*(\\d+)");
    /** Fetched again this long before expiry. */
    private static final long MARGIN_SECONDS = 60;

    private final String tokenEndpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "token-refresh");
        thread.setDaemon(true);
        return thread;
    });

    public Tokens(String tokenEndpoint) {
        this.tokenEndpoint = tokenEndpoint;
    }

    /** The target's token endpoint ({@link Settings#tokenUrl()}). */
    public static Tokens forTarget() {
        return new Tokens(Settings.tokenUrl());
    }

    /** Every producer of the local realm, by its name there, each sending as its {@link Settings#producer} client. */
    public static Tokens forProducers() {
        Tokens tokens = forTarget();
        PRODUCERS.keySet().forEach(tokens::producer);
        return tokens;
    }

    /** A producer of the local realm, by its name there, sending as its {@link Settings#producer} client. */
    public Tokens producer(String localProducer) {
        Settings.Client client = Settings.producer(localProducer);
        return clientCredentials(localProducer, client.id(), client.secret());
    }

    /** A client's token, kept under {@code name}. */
    public Tokens clientCredentials(String name, String clientId, String secret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        register(name, form);
        return this;
    }

    /** A patient (or professional), through the portal client's password grant ({@link Settings#portal()}). */
    public Tokens user(String username) {
        Settings.Client portal = Settings.portal();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", portal.id());
        form.put("client_secret", portal.secret());
        form.put("username", username);
        form.put("password", Settings.userPassword());
        register(username, form);
        return this;
    }

    /** The current token of a registered client or user. */
    public String get(String name) {
        String token = tokens.get(name);
        if (token == null) {
            throw new IllegalStateException("no token registered for " + name);
        }
        return token;
    }

    public String bearer(String name) {
        return "Bearer " + get(name);
    }

    private void register(String name, Map<String, String> form) {
        long expiresIn = fetch(name, form);
        schedule(name, form, expiresIn);
    }

    private void schedule(String name, Map<String, String> form, long expiresIn) {
        long delay = Math.max(5, expiresIn - MARGIN_SECONDS);
        refresher.schedule(() -> {
            long next;
            try {
                next = fetch(name, form);
            } catch (RuntimeException e) {
                System.err.println("token refresh for " + name + " failed, trying again in 5 s: " + e.getMessage());
                next = MARGIN_SECONDS + 5;
            }
            schedule(name, form, next);
        }, delay, TimeUnit.SECONDS);
    }

    /** Fetches and stores a token; answers its lifetime in seconds. */
    private long fetch(String name, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((key, value) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher token = ACCESS_TOKEN.matcher(response.body());
            if (response.statusCode() != 200 || !token.find()) {
                throw new IllegalStateException("token for " + name + ": HTTP " + response.statusCode() + " " + response.body());
            }
            tokens.put(name, token.group(1));
            Matcher expires = EXPIRES_IN.matcher(response.body());
            return expires.find() ? Long.parseLong(expires.group(1)) : 300;
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the identity provider at " + tokenEndpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
