package fr.coffre.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** coffre-push: see {@link Options#USAGE}. */
public final class Push {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int REJECTED = 2;

    private final Options options;
    private final PrintStream out;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Tokens tokens;

    Push(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.tokens = new Tokens(http, options);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    static int run(String[] args, Map<String, String> environment, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args, environment);
        } catch (Options.UsageException | NumberFormatException e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) {
                System.err.println("coffre-push: " + e.getMessage());
            }
            System.err.print(Options.USAGE);
            return e.getMessage() == null || e.getMessage().isEmpty() ? OK : FAILED;
        }
        try {
            return new Push(options, out).push();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            System.err.println("coffre-push: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    int push() throws IOException, InterruptedException {
        List<Document> all = Document.from(options.source(), List.of(options.journal(), options.report()));
        Report report = new Report(all.size());
        List<Document> toSend = new ArrayList<>();
        // Written whatever happens: what was sent before a fatal error is reported too.
        try (Journal journal = new Journal(options.journal())) {
            for (Document document : all) {
                Journal.Entry before = journal.acceptedBefore(document.path(), document.sha256());
                Optional<String> unreadable = unreadableMetadata(document);
                if (before != null) {
                    report.add(document, "skipped", before.detail(), null);
                } else if (unreadable.isPresent()) {
                    report.add(document, "rejected", null, unreadable.get());
                    journal.record(List.of(
                            new Journal.Entry(document.path(), document.sha256(), "rejected", unreadable.get())));
                } else {
                    toSend.add(document);
                }
            }
            Progress progress = new Progress(toSend, report.skipped());
            for (int from = 0; from < toSend.size(); from += options.batchSize()) {
                List<Document> batch = toSend.subList(from, Math.min(toSend.size(), from + options.batchSize()));
                List<Journal.Entry> outcomes = send(batch, report);
                journal.record(outcomes);
                progress.sent(batch);
                System.err.print(progress.line());
            }
            System.err.println();
        } finally {
            report.write(options.report());
        }
        report.summary(out, options.report());
        return report.rejected() > 0 ? REJECTED : OK;
    }

    /** Why a document's metadata sidecar cannot be sent (not JSON, not an object), if it cannot. */
    private Optional<String> unreadableMetadata(Document document) {
        if (document.metadata() == null) {
            return Optional.empty();
        }
        try {
            return json.readTree(document.metadata().toFile()).isObject()
                    ? Optional.empty()
                    : Optional.of("invalid-sidecar: " + document.metadata() + " holds no JSON object");
        } catch (IOException e) {
            return Optional.of("invalid-sidecar: " + document.metadata() + " is not JSON: " + e.getMessage());
        }
    }

    /** One submission set, sent again after a 429/503 (its Retry-After) or a refused token. */
    private List<Journal.Entry> send(List<Document> batch, Report report) throws IOException, InterruptedException {
        long waited = 0;
        int failures = 0;
        boolean tokenRenewed = false;
        while (true) {
            // Built on each attempt (a new token, the files read again), outside the network's
            // failures: a file gone since the scan stops the run with its own message.
            HttpRequest request = request(batch);
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                failures = failed(failures, e.getMessage());
                continue;
            }
            int status = response.statusCode();
            if (status == 401 && !tokenRenewed) {
                tokens.refused();
                tokenRenewed = true;
                continue;
            }
            // A gateway's or the server's passing failure: the set may or may not have been taken,
            // and sending it again is safe (the server answers duplicate for what it has).
            if (status == 408 || status == 500 || status == 502 || status == 504) {
                failures = failed(failures, "HTTP " + status);
                continue;
            }
            if (status == 429 || status == 503) {
                long seconds = retryAfter(response).orElse(5L);
                waited += seconds;
                if (Duration.ofSeconds(waited).compareTo(options.maxWait()) > 0) {
                    throw new IOException("the server kept asking to wait (" + status + ") for more than "
                            + options.maxWait().toSeconds() + " s");
                }
                System.err.printf("%nthe server asks to wait %d s (%d); waiting%n", seconds, status);
                Thread.sleep(seconds * 1000);
                continue;
            }
            if (status == 201) {
                return outcomes(batch, json.readTree(response.body()), report);
            }
            // The whole set refused (a malformed request, a forbidden client): each document says so.
            String problem = problem(json, response.body(), status);
            if (status == 401 || status == 403) {
                throw new IOException("the server refused the client " + options.clientId() + ": " + problem);
            }
            List<Journal.Entry> entries = new ArrayList<>();
            for (Document document : batch) {
                report.add(document, "rejected", null, problem);
                entries.add(new Journal.Entry(document.path(), document.sha256(), "rejected", problem));
            }
            return entries;
        }
    }

    /** One more failure to reach the server: waits before the next attempt, or gives up after 5. */
    private static int failed(int failures, String reason) throws IOException, InterruptedException {
        int count = failures + 1;
        if (count >= 5) {
            throw new IOException("the server could not be reached after 5 attempts: " + reason);
        }
        Thread.sleep(Math.min(30_000, 1000L << count));
        return count;
    }

    private List<Journal.Entry> outcomes(List<Document> batch, JsonNode answer, Report report) {
        Map<String, JsonNode> byPart = new LinkedHashMap<>();
        answer.path("documents").forEach(d -> byPart.put(d.path("part").asText(), d));
        List<Journal.Entry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Document document = batch.get(i);
            JsonNode outcome = byPart.get(part(i));
            String kind = outcome == null ? "rejected" : outcome.path("outcome").asText("rejected");
            String detail;
            if (kind.equals("created") || kind.equals("duplicate")) {
                detail = outcome.path("document").path("id").asText();
                report.add(document, kind, detail, null);
            } else {
                detail = outcome == null ? "not in the server's answer" : problemText(outcome.path("problem"));
                report.add(document, "rejected", null, detail);
            }
            entries.add(new Journal.Entry(document.path(), document.sha256(), kind, detail));
        }
        return entries;
    }

    /**
     * The document's sidecar with the part that carries its bytes, and the sha256 read from the
     * file, which the service checks against what it receives (a sidecar's own is kept: a
     * mismatch is refused). Declared, it also spares a document larger than the service's parts
     * a server-side copy in storage.
     */
    static ObjectNode manifestEntry(ObjectMapper json, Document document, String part) throws IOException {
        ObjectNode entry = document.metadata() != null
                ? (ObjectNode) json.readTree(document.metadata().toFile())
                : json.createObjectNode();
        entry.put("part", part);
        if (!entry.has("sha256")) {
            entry.put("sha256", document.sha256());
        }
        return entry;
    }

    private HttpRequest request(List<Document> batch) throws IOException, InterruptedException {
        String boundary = "coffre-push-" + UUID.randomUUID();
        ArrayNode manifest = json.createArrayNode();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Document document = batch.get(i);
            manifest.add(manifestEntry(json, document, part(i)));
            parts.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part(i)
                    + "\"; filename=\"" + part(i) + "\"\r\nContent-Type: " + document.mediaType() + "\r\n\r\n"));
            parts.add(HttpRequest.BodyPublishers.ofFile(document.file()));
            parts.add(text("\r\n"));
        }
        List<HttpRequest.BodyPublisher> body = new ArrayList<>();
        body.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"manifest\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + json.writeValueAsString(manifest) + "\r\n"));
        body.addAll(parts);
        body.add(text("--" + boundary + "--\r\n"));
        return HttpRequest.newBuilder(URI.create(options.url() + "/api/v1/submissions"))
                .timeout(Duration.ofMinutes(30))
                .header("Authorization", tokens.bearer())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(body.toArray(HttpRequest.BodyPublisher[]::new)))
                .build();
    }

    private static String part(int index) {
        return "d" + index;
    }

    private static HttpRequest.BodyPublisher text(String value) {
        return HttpRequest.BodyPublishers.ofByteArray(value.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Long> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Math.max(1, Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static String problem(ObjectMapper json, String body, int status) {
        try {
            return problemText(json.readTree(body));
        } catch (IOException e) {
            return "HTTP " + status;
        }
    }

    /** An RFC 9457 problem as one line: its type's last segment, then its detail. */
    static String problemText(JsonNode problem) {
        String type = problem.path("type").asText("");
        String slug = type.substring(type.lastIndexOf('/') + 1);
        String detail = problem.path("detail").asText(problem.path("title").asText(""));
        return (slug.isEmpty() ? "HTTP " + problem.path("status").asText("?") : slug) + ": " + detail;
    }
}
