package fr.coffre.ingest;

import static fr.coffre.testing.Uploads.metadata;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StalledStream;
import fr.coffre.testing.Submissions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Overload is refused early, with 503 or 429 and Retry-After, never with errors or time-outs.
 * Each case runs its own instance with small limits.
 */
class OverloadIT {

    static final String PDF = "pdf/CR-BIO_TSH_rendition.pdf";

    @Test
    void uploadsBeyondTheInstanceCapacityAreRefusedAtOnce() throws Exception {
        try (ServiceProcess service =
                new ServiceProcess("capacity", 18193, List.of(), Map.of("COFFRE_MAX_IN_FLIGHT_UPLOADS", "2")).start()) {
            String token = KeycloakTokens.radiology();
            CountDownLatch gate = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> stalled = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Submissions upload = upload();
                byte[] body = upload.bytes();
                stalled.add(service.post(
                        "/api/v1/documents",
                        token,
                        upload.contentType(),
                        new SequenceInputStream(
                                new ByteArrayInputStream(body, 0, body.length / 2), new StalledStream(gate))));
            }
            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Submissions third = upload();
                    HttpResponse<String> refused = service.post(
                                    "/api/v1/documents",
                                    token,
                                    third.contentType(),
                                    new ByteArrayInputStream(third.bytes()))
                            .get(10, TimeUnit.SECONDS);
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertRefusal(refused, "https://coffre.example/problems/overloaded");
                });
            } finally {
                gate.countDown();
            }
            for (var upload : stalled) {
                upload.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
            }
            // The client giving up is seen by the server a moment later, when its read of the body fails.
            await("capacity is given back when uploads end")
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> {
                        Submissions after = upload();
                        HttpResponse<String> accepted = service.post(
                                        "/api/v1/documents",
                                        token,
                                        after.contentType(),
                                        new ByteArrayInputStream(after.bytes()))
                                .get(30, TimeUnit.SECONDS);
                        assertEquals(201, accepted.statusCode(), accepted.body());
                    });
        }
    }

    @Test
    void aProducerOverItsQuotaGets429WhileOthersGoOn() throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "quota", 18194, List.of(), Map.of("COFFRE_PRODUCER_RATE", "1", "COFFRE_PRODUCER_BURST", "5"))
                .start()) {
            String greedy = KeycloakTokens.laboratory();
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Submissions upload = upload();
                burst.add(service.post(
                        "/api/v1/documents", greedy, upload.contentType(), new ByteArrayInputStream(upload.bytes())));
            }
            List<Integer> statuses = new ArrayList<>();
            for (var answer : burst) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                statuses.add(response.statusCode());
                if (response.statusCode() == 429) {
                    assertRefusal(response, "https://coffre.example/problems/quota-exceeded");
                }
            }
            assertTrue(Set.of(201, 429).containsAll(statuses), "only acceptances and quota refusals: " + statuses);
            assertTrue(statuses.stream().filter(s -> s == 201).count() <= 7, "the burst allowance holds: " + statuses);
            assertTrue(statuses.contains(429), statuses.toString());

            Submissions other = upload();
            HttpResponse<String> fair = service.post(
                            "/api/v1/documents",
                            KeycloakTokens.hospital(),
                            other.contentType(),
                            new ByteArrayInputStream(other.bytes()))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(201, fair.statusCode(), "another producer is not held back: " + fair.body());
        }
    }

    @Test
    void uploadsAreRefusedWhileIndexingLagsBehindTheBacklogLimit() throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "backlog",
                        18195,
                        List.of(),
                        Map.of("COFFRE_MAX_BACKLOG", "0", "COFFRE_INGEST_BACKLOG_SAMPLE_INTERVAL", "PT0.2S"))
                .start()) {
            String token = KeycloakTokens.hospital();
            // With the limit at zero, the first document waiting to be indexed closes the gate.
            Submissions first = upload();
            HttpResponse<String> accepted = service.post(
                            "/api/v1/documents", token, first.contentType(), new ByteArrayInputStream(first.bytes()))
                    .get(30, TimeUnit.SECONDS);
            assertTrue(accepted.statusCode() == 201 || accepted.statusCode() == 503, accepted.body());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Submissions next = upload();
                HttpResponse<String> refused = service.post(
                                "/api/v1/documents", token, next.contentType(), new ByteArrayInputStream(next.bytes()))
                        .get(30, TimeUnit.SECONDS);
                assertEquals(503, refused.statusCode(), refused.body());
                assertRefusal(refused, "https://coffre.example/problems/overloaded");
                assertTrue(new JsonObject(refused.body()).getString("detail").contains("behind"));
            });
        }
    }

    static Submissions upload() {
        return new Submissions()
                .part(
                        "metadata",
                        "application/json",
                        metadata("load-" + UUID.randomUUID()).encode().getBytes())
                .part("content", "application/pdf", Corpus.bytes(PDF));
    }

    static void assertRefusal(HttpResponse<String> response, String type) {
        assertEquals(
                "application/problem+json",
                response.headers().firstValue("Content-Type").orElse(""));
        assertEquals(type, new JsonObject(response.body()).getString("type"));
        assertTrue(
                Integer.parseInt(response.headers().firstValue("Retry-After").orElse("0")) >= 1, "Retry-After is sent");
    }
}
