package fr.coffre.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** The producer's access token (client credentials grant), fetched again shortly before it expires or when refused. */
final class Tokens {

    private final HttpClient http;
    private final Options options;
    private final ObjectMapper json = new ObjectMapper();
    private String token;
    private Instant renewAt = Instant.MIN;

    Tokens(HttpClient http, Options options) {
        this.http = http;
        this.options = options;
    }

    synchronized String bearer() throws IOException, InterruptedException {
        if (token == null || Instant.now().isAfter(renewAt)) {
            fetch();
        }
        return "Bearer " + token;
    }

    /** The server refused the token (it expired early, or was revoked): the next call fetches another. */
    synchronized void refused() {
        token = null;
    }

    private void fetch() throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + encode(options.clientId()) + "&client_secret="
                + encode(options.clientSecret());
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(options.tokenUrl()))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the token endpoint answered " + response.statusCode() + " for client "
                    + options.clientId() + ": " + response.body());
        }
        JsonNode body = json.readTree(response.body());
        token = body.path("access_token").asText();
        long lifetime = body.path("expires_in").asLong(300);
        renewAt = Instant.now().plusSeconds(Math.max(5, lifetime - 30));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
