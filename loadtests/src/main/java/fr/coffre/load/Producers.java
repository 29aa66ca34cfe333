package fr.coffre.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A plain HTTP producer client (outside Gatling): upload a generated document, read its status. */
final class Producers {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z]+)\"");
    private static final Pattern REASON = Pattern.compile("\"statusReason\"\\s*:\\s*\"([^\"]*)\"");

    record Answer(int status, String body) {
        String id() {
            Matcher m = ID.matcher(body);
            return m.find() ? m.group(1) : null;
        }

        String documentStatus() {
            Matcher m = STATUS.matcher(body);
            return m.find() ? m.group(1) : null;
        }

        String reason() {
            Matcher m = REASON.matcher(body);
            return m.find() ? m.group(1) : "";
        }
    }

    private final String baseUrl;
    private final Tokens tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Producers(String baseUrl, Tokens tokens) {
        this.baseUrl = baseUrl;
        this.tokens = tokens;
    }

    Answer upload(GeneratedDocument d, String producer) throws IOException, InterruptedException {
        Multipart.Body body = Multipart.build("coffre-" + UUID.randomUUID(), List.of(
                Multipart.Part.json("metadata", d.metadataJson()), d.contentPart("content")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/documents"))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", tokens.bearer(producer))
                .header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    Answer status(String id, String producer) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/documents/" + id))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", tokens.bearer(producer))
                .GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
