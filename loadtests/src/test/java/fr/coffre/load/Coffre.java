package fr.coffre.load;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the simulations share: the protocol, feeders of generated documents, requests, assertions. */
final class Coffre {

    private Coffre() {
    }

    static HttpProtocolBuilder protocol() {
        return http.baseUrl(Settings.baseUrl())
                .acceptHeader("application/json")
                .userAgentHeader("coffre-loadtests")
                // Producers and portals keep their connections open between requests.
                .shareConnections();
    }

    static DocumentGenerator generator(String stream) {
        return new DocumentGenerator(Corpus.locate(), Settings.seed(), Settings.runId() + "-" + stream,
                Settings.decimal("patients.known.share", 0.8), DocumentGenerator.FHIR_TEMPLATES);
    }

    /**
     * Single uploads, one per feed: {@code body} and {@code contentType} (the multipart request),
     * {@code producer} (the client whose token sends it, from the kind unless given),
     * {@code uniqueId}, {@code kind}, {@code size}.
     */
    static Iterator<Map<String, Object>> uploads(DocumentGenerator generator, DocumentKind only, String producer) {
        return new DocumentFeed<>("uploads-" + generator.runId(), 0, 8, index -> {
            GeneratedDocument d = generator.document(index, only);
            Multipart.Body body = Multipart.build(boundary(), List.of(
                    Multipart.Part.json("metadata", d.metadataJson()), d.contentPart("content")));
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("body", body.bytes());
            attributes.put("contentType", body.contentType());
            attributes.put("producer", producer != null ? producer : d.kind().producer);
            attributes.put("uniqueId", d.uniqueId());
            attributes.put("kind", d.kind().name());
            attributes.put("size", d.size());
            return attributes;
        });
    }

    /** Submission sets of {@code batch} documents of the realistic mix: a manifest part first, then the contents. */
    static Iterator<Map<String, Object>> submissions(DocumentGenerator generator, int batch) {
        return new DocumentFeed<>("submissions-" + generator.runId(), 0, 2, set -> {
            List<Object> manifest = new ArrayList<>();
            List<Multipart.Part> contents = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < batch; i++) {
                GeneratedDocument d = generator.document(set * batch + i);
                String part = "doc" + i;
                manifest.add(d.manifestEntry(part));
                contents.add(d.contentPart(part));
                bytes += d.size();
            }
            List<Multipart.Part> parts = new ArrayList<>();
            parts.add(Multipart.Part.json("manifest", Json.write(manifest)));
            parts.addAll(contents);
            Multipart.Body body = Multipart.build(boundary(), parts);
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("body", body.bytes());
            attributes.put("contentType", body.contentType());
            attributes.put("documents", batch);
            attributes.put("size", bytes);
            return attributes;
        });
    }

    /** POST /api/v1/documents with the fed body, as the fed producer. */
    static HttpRequestActionBuilder upload(String name, Tokens tokens) {
        return http(name).post("/api/v1/documents")
                .header("Authorization", session -> tokens.bearer(session.getString("producer")))
                .header("Content-Type", "#{contentType}")
                .body(ByteArrayBody(session -> session.<byte[]>get("body")))
                // Kept for a refused upload's reason (Refusals): saved before the checks that may fail.
                .check(status().saveAs("status"))
                .check(bodyString().saveAs("answer"))
                .check(status().in(200, 201))
                .check(jsonPath("$.id").saveAs("documentId"));
    }

    /** POST /api/v1/submissions with the fed body; every document must be created (or a duplicate). */
    static HttpRequestActionBuilder submit(String name, Tokens tokens, String producer) {
        return http(name).post("/api/v1/submissions")
                .header("Authorization", session -> tokens.bearer(producer))
                .header("Content-Type", "#{contentType}")
                .body(ByteArrayBody(session -> session.<byte[]>get("body")))
                .check(status().is(201))
                .check(jsonPath("$.counts.rejected").ofInt().is(0))
                .check(jsonPath("$.state").is("COMPLETE"));
    }

    /** An open-model arrival rate: a ramp from a tenth of the rate, then a plateau. */
    static OpenInjectionStep[] rampThenPlateau(double perSecond, int rampSeconds, int plateauSeconds) {
        List<OpenInjectionStep> steps = new ArrayList<>();
        if (rampSeconds > 0) {
            steps.add(rampUsersPerSec(perSecond / 10).to(perSecond).during(rampSeconds));
        }
        steps.add(constantUsersPerSec(perSecond).during(plateauSeconds));
        return steps.toArray(OpenInjectionStep[]::new);
    }

    /** The error-rate and latency bars, each overridable: -Dmax.error.percent, -Dp95.ms, -Dp99.ms. */
    static Assertion[] assertions(double maxErrorPercent, int p95Millis, int p99Millis) {
        return new Assertion[] {
            global().failedRequests().percent().lte(Settings.decimal("max.error.percent", maxErrorPercent)),
            global().responseTime().percentile(95.0).lte(Settings.integer("p95.ms", p95Millis)),
            global().responseTime().percentile(99.0).lte(Settings.integer("p99.ms", p99Millis)),
        };
    }

    private static String boundary() {
        return "coffre-" + UUID.randomUUID();
    }
}
