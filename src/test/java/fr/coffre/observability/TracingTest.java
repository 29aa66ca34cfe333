package fr.coffre.observability;

import static fr.coffre.testing.Uploads.metadata;
import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Authorisations;
import fr.coffre.testing.KeycloakTokens;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The trace of an upload reaches the worker that indexes the document, although the event
 * leaves through the outbox after the request has ended: HTTP request, then the ingestion span,
 * then (through the outbox row and the Kafka record's traceparent header) the indexing span.
 */
@QuarkusTest
class TracingTest {

    static final Duration DEADLINE = Duration.ofSeconds(90);

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theUploadsTraceReachesTheWorkersSpan() {
        String traceId = randomHex(16);
        String callerSpanId = randomHex(8);
        String id = uploadTraced("00-" + traceId + "-" + callerSpanId + "-01");

        SpanData indexing = await().atMost(DEADLINE)
                .until(() -> find("index document", id), Optional::isPresent)
                .get();
        assertEquals(traceId, indexing.getTraceId(), "the worker continues the upload's trace");
        assertEquals(SpanKind.CONSUMER, indexing.getKind());
        assertEquals("INDEXED", indexing.getAttributes().get(AttributeKey.stringKey("coffre.indexing.result")));

        SpanData ingestion = find("ingest document", id).orElseThrow();
        assertEquals(traceId, ingestion.getTraceId());
        assertEquals(
                ingestion.getSpanId(),
                indexing.getParentSpanId(),
                "indexing is a child of the upload's ingestion span");

        SpanData request = await().atMost(DEADLINE)
                .until(() -> byId(ingestion.getParentSpanId()), Optional::isPresent)
                .get();
        assertEquals(SpanKind.SERVER, request.getKind(), "ingestion runs within the HTTP request's span");
        assertEquals(callerSpanId, request.getParentSpanId(), "which continues the caller's traceparent");
    }

    @Test
    void anUploadWithoutTraceStartsOneThatStillReachesTheWorker() {
        String id = upload(
                        KeycloakTokens.hospital(),
                        metadata("trace-" + UUID.randomUUID()),
                        "Compte rendu sans trace reçue.".getBytes(StandardCharsets.UTF_8),
                        "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        SpanData indexing = await().atMost(DEADLINE)
                .until(() -> find("index document", id), Optional::isPresent)
                .get();
        SpanData ingestion = find("ingest document", id).orElseThrow();
        assertEquals(ingestion.getTraceId(), indexing.getTraceId());
        assertEquals(ingestion.getSpanId(), indexing.getParentSpanId());
        assertTrue(
                indexing.getAttributes().asMap().keySet().stream()
                        .noneMatch(k -> k.getKey().contains("patient")),
                "no patient attribute on spans");
    }

    @Test
    void aRefusalIsTracedByItsProblemWithoutItsDetail() {
        String traceId = randomHex(16);
        String wrongIns = "279035121518988"; // its key does not check, and the problem detail quotes it
        var metadata = metadata("trace-" + UUID.randomUUID());
        metadata.getJsonObject("patient").put("id", wrongIns);
        given().auth()
                .oauth2(KeycloakTokens.hospital())
                .header("traceparent", "00-" + traceId + "-" + randomHex(8) + "-01")
                .multiPart("metadata", "metadata.json", metadata.encode().getBytes(), "application/json")
                .multiPart("content", "document", "Compte rendu refusé.".getBytes(StandardCharsets.UTF_8), "text/plain")
                .when()
                .post("/api/v1/documents")
                .then()
                .statusCode(422);

        SpanData ingestion = await().atMost(DEADLINE)
                .until(
                        () -> finished().stream()
                                .filter(s -> s.getTraceId().equals(traceId)
                                        && s.getName().equals("ingest document"))
                                .findFirst(),
                        Optional::isPresent)
                .get();
        assertEquals("invalid-ins", ingestion.getAttributes().get(AttributeKey.stringKey("coffre.upload.problem")));
        assertEquals(StatusCode.ERROR, ingestion.getStatus().getStatusCode());
        await().atMost(DEADLINE)
                .until(() -> finished().stream()
                        .anyMatch(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER));
        noSpanHolds(traceId, wrongIns);
    }

    @Test
    void noHttpSpanHoldsTheInsThatAProfessionalNamesInThePath() {
        String traceId = randomHex(16);
        String ins = "279035121518989";
        Authorisations.authorise("patient.dominique", Authorisations.DR_BERNARD);
        given().auth()
                .oauth2(KeycloakTokens.user("dr.bernard"))
                .header("traceparent", "00-" + traceId + "-" + randomHex(8) + "-01")
                .queryParam("q", ins)
                .get("/api/v1/patients/" + ins + "/documents")
                .then()
                .statusCode(200);

        SpanData server = serverSpan(traceId);
        assertEquals(
                "/api/v1/patients/***/documents",
                server.getAttributes().get(AttributeKey.stringKey("url.path")),
                "the request's path is still traced, without the INS");
        assertEquals("q=***", server.getAttributes().get(AttributeKey.stringKey("url.query")));
        noSpanHolds(traceId, ins);
    }

    @Test
    void noHttpSpanHoldsTheInsOfAnMhdSearch() {
        String traceId = randomHex(16);
        String ins = "279035121518989";
        given().auth()
                .oauth2(KeycloakTokens.user("patient.dominique"))
                .header("traceparent", "00-" + traceId + "-" + randomHex(8) + "-01")
                .queryParam("patient.identifier", "urn:oid:1.2.250.1.213.1.4.10|" + ins)
                .get("/fhir/DocumentReference")
                .then()
                .statusCode(200);

        SpanData server = serverSpan(traceId);
        assertTrue(
                server.getAttributes().get(AttributeKey.stringKey("url.query")).endsWith("|***"),
                server.getAttributes().toString());
        noSpanHolds(traceId, ins);
    }

    /** The HTTP server span of that trace, once it has ended. */
    SpanData serverSpan(String traceId) {
        return await().atMost(DEADLINE)
                .until(
                        () -> finished().stream()
                                .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER)
                                .findFirst(),
                        Optional::isPresent)
                .get();
    }

    void noSpanHolds(String traceId, String ins) {
        for (SpanData span :
                finished().stream().filter(s -> s.getTraceId().equals(traceId)).toList()) {
            String everything = span.getName() + span.getAttributes() + span.getEvents() + span.getStatus();
            assertTrue(!everything.contains(ins), "a span holds the INS: " + span);
        }
    }

    /**
     * The relay pass an upload wakes up works on a Vert.x context of its own: run on the request's
     * context, it outlived the request there, and its callbacks on the event loop switched the
     * request's CDI context off under the thread still writing the answer (a rare 500,
     * ContextNotActiveException). Its SQL statements then also showed up in the upload's trace,
     * which is what this test can see every time.
     */
    @Test
    void theOutboxRelayAnUploadWakesDoesNotRunInTheRequestsContext() {
        for (int i = 0; i < 3; i++) {
            String traceId = randomHex(16);
            String id = uploadTraced("00-" + traceId + "-" + randomHex(8) + "-01");
            await().atMost(DEADLINE).until(() -> find("index document", id).isPresent());
            List<String> outboxStatements = finished().stream()
                    .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.CLIENT)
                    .map(s -> s.getName() + " " + s.getAttributes())
                    .filter(s -> s.contains("SKIP LOCKED") || s.contains("DELETE FROM outbox"))
                    .toList();
            assertEquals(List.of(), outboxStatements, "the relay's statements in the upload's trace");
        }
    }

    /** A small document uploaded under the caller's trace; its id. */
    private static String uploadTraced(String traceparent) {
        return given().auth()
                .oauth2(KeycloakTokens.hospital())
                .header("traceparent", traceparent)
                .multiPart(
                        "metadata",
                        "metadata.json",
                        metadata("trace-" + UUID.randomUUID()).encode().getBytes(),
                        "application/json")
                .multiPart("content", "document", "Compte rendu tracé.".getBytes(StandardCharsets.UTF_8), "text/plain")
                .when()
                .post("/api/v1/documents")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private Optional<SpanData> find(String name, String documentId) {
        return finished().stream()
                .filter(s -> s.getName().equals(name))
                .filter(s -> documentId.equals(s.getAttributes().get(DocumentTelemetry.ATTRIBUTE)))
                .findFirst();
    }

    private Optional<SpanData> byId(String spanId) {
        return finished().stream().filter(s -> s.getSpanId().equals(spanId)).findFirst();
    }

    private List<SpanData> finished() {
        return spans.getFinishedSpanItems();
    }

    private static String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(value);
        value[0] |= 1; // never all zeros, which W3C forbids
        return HexFormat.of().formatHex(value);
    }
}
