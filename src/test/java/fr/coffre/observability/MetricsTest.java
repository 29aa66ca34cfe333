package fr.coffre.observability;

import static fr.coffre.testing.Uploads.metadata;
import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.PrometheusScrape;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MetricsTest {

    static final Duration DEADLINE = Duration.ofSeconds(90);

    static final Map<String, String> CREATED = Map.of("outcome", "created", "problem", "none");
    static final Map<String, String> DUPLICATE = Map.of("outcome", "duplicate", "problem", "none");
    static final Map<String, String> INVALID_INS = Map.of("outcome", "rejected", "problem", "invalid-ins");

    @Test
    void uploadsRejectionsExtractionAndStatusesAreExposedWithoutPatientData() {
        String token = KeycloakTokens.hospital();
        String uniqueId = "metrics-" + UUID.randomUUID();
        String title = "Compte rendu métrique " + UUID.randomUUID();
        byte[] text = ("Bilan thyroïdien du patient " + Uploads.TEST_PATIENT + " : TSH normale.")
                .getBytes(StandardCharsets.UTF_8);
        PrometheusScrape before = PrometheusScrape.now();

        String id = upload(token, metadata(uniqueId).put("title", title), text, "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        upload(token, metadata(uniqueId).put("title", title), text, "text/plain")
                .then()
                .statusCode(200);
        var wrongIns = metadata("metrics-" + UUID.randomUUID());
        wrongIns.getJsonObject("patient").put("id", "279035121518988"); // its NIR key does not check
        upload(token, wrongIns, text, "text/plain").then().statusCode(422);
        await().atMost(DEADLINE)
                .until(
                        () -> Database.strings("SELECT status FROM document WHERE id = ?::uuid", id),
                        statuses -> statuses.equals(List.of("INDEXED")));

        PrometheusScrape after = PrometheusScrape.now();
        assertEquals(1, delta(before, after, "coffre_upload_duration_seconds_count", CREATED));
        assertEquals(1, delta(before, after, "coffre_upload_duration_seconds_count", DUPLICATE));
        assertEquals(1, delta(before, after, "coffre_upload_duration_seconds_count", INVALID_INS));
        assertTrue(delta(before, after, "coffre_upload_duration_seconds_sum", CREATED) > 0, "latency is measured");
        assertTrue(
                after.has("coffre_upload_duration_seconds_bucket", Map.of("outcome", "created", "le", "1.0")),
                "latency buckets for service-level objectives");
        assertEquals(1, delta(before, after, "coffre_upload_size_bytes_count", Map.of("outcome", "created")));
        assertEquals(text.length, delta(before, after, "coffre_upload_size_bytes_sum", Map.of("outcome", "created")));
        assertEquals(1, delta(before, after, "coffre_upload_rejections_total", Map.of("problem", "invalid-ins")));
        assertTrue(
                delta(
                                before,
                                after,
                                "coffre_extraction_duration_seconds_count",
                                Map.of("kind", "TEXT", "outcome", "extracted"))
                        >= 1,
                "the extraction of the text document is timed");
        assertTrue(
                after.has("coffre_uploads_in_flight", Map.of("caller", "producer")),
                "uploads being read, which the api's autoscaler sums (k8s/base/api-scaledobject.yaml)");
        assertTrue(after.has("coffre_indexing_in_progress", Map.of()), "documents being indexed");
        assertTrue(after.has("coffre_extraction_running", Map.of()), "extractions under way");
        assertTrue(after.has("coffre_extraction_processes", Map.of()), "extraction processes alive");
        assertTrue(after.has("coffre_extraction_stopped_total", Map.of()), "parses stopped at their deadline");
        assertTrue(
                after.has("coffre_indexing_lag_records", Map.of("topic", "coffre.documents.stored")),
                "the indexing group's lag is measured");
        await("the relay's passes and the events they sent are counted")
                .atMost(DEADLINE)
                .until(() -> {
                    PrometheusScrape now = PrometheusScrape.now();
                    return delta(before, now, "coffre_outbox_batch_events_count", Map.of()) >= 1
                            && delta(before, now, "coffre_outbox_batch_events_sum", Map.of()) >= 1;
                });
        await().atMost(DEADLINE)
                .until(() -> PrometheusScrape.now().value("coffre_documents", Map.of("status", "INDEXED")) >= 1);
        for (String status : List.of("STORED", "INDEXED", "QUARANTINED", "FAILED", "SUPERSEDED", "DELETED")) {
            assertTrue(after.has("coffre_documents", Map.of("status", status)), "documents by status: " + status);
        }

        String exposition = after.text();
        assertFalse(exposition.contains(Uploads.TEST_PATIENT), "no patient identifier in any metric");
        assertFalse(exposition.contains("279035121518988"), "not even a wrong one");
        assertFalse(exposition.contains(uniqueId), "no producer's document id");
        assertFalse(exposition.contains(id), "no document id as a tag");
        assertFalse(exposition.contains(title), "nothing from the metadata or the content");
    }

    @Test
    void aRefusedRequestCountsAsARejectionByItsProblem() {
        PrometheusScrape before = PrometheusScrape.now();
        given().auth()
                .oauth2(KeycloakTokens.hospital())
                .contentType("multipart/form-data; boundary=nothing-here")
                .body("not multipart at all".getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/api/v1/documents")
                .then()
                .statusCode(400);
        PrometheusScrape after = PrometheusScrape.now();
        assertEquals(1, delta(before, after, "coffre_upload_rejections_total", Map.of("problem", "malformed-request")));
    }

    static double delta(PrometheusScrape before, PrometheusScrape after, String name, Map<String, String> labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
