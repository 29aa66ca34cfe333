package fr.coffre.ingest;

import static fr.coffre.testing.Uploads.metadata;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.primitives.Bytes;
import fr.coffre.testing.Corpus;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.PrometheusScrape;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StalledRequest;
import fr.coffre.testing.Submissions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Overload is refused early, with 503 or 429 and Retry-After, never with errors or time-outs.
 * Each case runs its own instance with small limits.
 */
class OverloadIT {

    static final String PDF = "pdf/CR-BIO_TSH_rendition.pdf";
    /** Stalled clients in these tests stay stalled as long as the test needs them. */
    static final String STALL = "PT5M";
    /** The object store's part size, as configured by default. */
    static final int PART = 5 * 1024 * 1024;
    /** The blocks that parts are held in (storage.PartBuffers). */
    static final int BLOCK = 256 * 1024;

    @Test
    void uploadsBeyondTheInstanceCapacityAreRefusedAtOnce() throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "capacity",
                        18193,
                        List.of(),
                        Map.of("COFFRE_MAX_IN_FLIGHT_UPLOADS", "2", "COFFRE_INGEST_BODY_IDLE_TIMEOUT", STALL))
                .start()) {
            String token = KeycloakTokens.radiology();
            List<StalledRequest> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    stalled.add(stall(service, "/api/v1/documents", token));
                }
                // Both stalled uploads hold their place before the third comes (this was a race, and flaky).
                awaitInFlight(service, "producer", 2);
                HttpResponse<String> refused = post(service, "/api/v1/documents", token);
                assertEquals(503, refused.statusCode(), refused.body());
                assertRefusal(refused, "https://coffre.example/problems/overloaded");
                assertEquals(
                        "This instance is handling as many uploads as it may; retry later.",
                        new JsonObject(refused.body()).getString("detail"));
            } finally {
                for (StalledRequest request : stalled) {
                    request.close();
                }
            }
            // The clients giving up are seen by the server when its reads of their bodies fail.
            awaitInFlight(service, "producer", 0);
            HttpResponse<String> accepted = post(service, "/api/v1/documents", token);
            assertEquals(201, accepted.statusCode(), accepted.body());
        }
    }

    @Test
    void uploadsBeyondTheInstanceBufferBytesAreRefusedNamingThatLimitEachCountedForWhatItsLengthMayFill()
            throws Exception {
        // Room for the buffers of two uploads larger than a part (two parts of 5 MiB each), and for ten by count.
        try (ServiceProcess service = new ServiceProcess(
                        "buffer-bytes",
                        18202,
                        List.of(),
                        Map.of(
                                "COFFRE_INGEST_MAX_IN_FLIGHT_BYTES",
                                Long.toString(2L * 2 * PART),
                                "COFFRE_MAX_IN_FLIGHT_UPLOADS",
                                "10",
                                "COFFRE_INGEST_BODY_IDLE_TIMEOUT",
                                STALL))
                .start()) {
            String token = KeycloakTokens.radiology();
            try (StalledRequest large = stall(service, "/api/v1/documents", token, PART + 1)) {
                try (StalledRequest secondLarge = stall(service, "/api/v1/documents", token, PART + 1)) {
                    awaitInFlight(service, "producer", 2);
                    awaitBuffersCounted(service, 2L * 2 * PART);
                    HttpResponse<String> chunked = post(service, "/api/v1/documents", token);
                    assertEquals(503, chunked.statusCode(), chunked.body());
                    assertRefusal(chunked, "https://coffre.example/problems/overloaded");
                    assertEquals(
                            "This instance holds as many upload buffers as it may (20 MiB; this upload of undeclared"
                                    + " length would hold up to 10 MiB); retry later.",
                            new JsonObject(chunked.body()).getString("detail"));
                    HttpResponse<String> declared = postDeclaringItsLength(service, "/api/v1/documents", token);
                    assertEquals(503, declared.statusCode(), declared.body());
                    String detail = new JsonObject(declared.body()).getString("detail");
                    assertTrue(
                            detail.matches("This instance holds as many upload buffers as it may \\(20 MiB; this"
                                    + " upload of \\d+ bytes would hold up to 256 KiB\\); retry later\\."),
                            detail);
                }
                awaitInFlight(service, "producer", 1);
                // The PDF's upload declares less than a block: each holds one block of 256 KiB, not two parts.
                try (StalledRequest small = stall(service, "/api/v1/documents", token);
                        StalledRequest secondSmall = stall(service, "/api/v1/documents", token)) {
                    awaitInFlight(service, "producer", 3);
                    awaitBuffersCounted(service, 2L * PART + 2 * BLOCK);
                    HttpResponse<String> accepted = postDeclaringItsLength(service, "/api/v1/documents", token);
                    assertEquals(201, accepted.statusCode(), accepted.body());
                }
            }
            awaitInFlight(service, "producer", 0);
            awaitBuffersCounted(service, 0);
        }
    }

    @Test
    void aClientThatStopsSendingGets408AndItsPlaceBack() throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "silent-client", 18186, List.of(), Map.of("COFFRE_INGEST_BODY_IDLE_TIMEOUT", "PT2S"))
                .start()) {
            String token = KeycloakTokens.hospital();
            try (StalledRequest silent = stall(service, "/api/v1/documents", token)) {
                awaitInFlight(service, "producer", 1);
                assertEquals("HTTP/1.1 408 Request Timeout", silent.statusLine(Duration.ofSeconds(30)));
            }
            awaitInFlight(service, "producer", 0);
            HttpResponse<String> next = post(service, "/api/v1/documents", token);
            assertEquals(201, next.statusCode(), next.body());
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

    @Test
    void patientsAndEachProducerHaveTheirOwnShareSoNoneStarvesTheOthers() throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "fair-shares",
                        18187,
                        List.of(),
                        Map.of(
                                "COFFRE_INGEST_MAX_IN_FLIGHT_PATIENT_UPLOADS", "3",
                                "COFFRE_INGEST_MAX_IN_FLIGHT_PER_PATIENT", "2",
                                "COFFRE_INGEST_MAX_IN_FLIGHT_PER_PRODUCER", "1",
                                "COFFRE_INGEST_BODY_IDLE_TIMEOUT", STALL))
                .start()) {
            String dominique = KeycloakTokens.user("patient.dominique");
            String camille = KeycloakTokens.user("patient.camille");
            String hospital = KeycloakTokens.hospital();
            List<StalledRequest> stalled = new ArrayList<>();
            try {
                // Slow patients (five bytes of content, then silence) fill the patients' pool...
                for (String patient : List.of(dominique, dominique, camille)) {
                    stalled.add(stall(service, "/api/v1/me/documents", patient));
                }
                awaitInFlight(service, "patient", 3);
                // ...and a slow hospital fills its own share.
                stalled.add(stall(service, "/api/v1/documents", hospital));
                awaitInFlight(service, "producer", 1);

                assertRefusal(
                        post(service, "/api/v1/me/documents", dominique), "https://coffre.example/problems/overloaded");
                assertRefusal(
                        post(service, "/api/v1/me/documents", camille), "https://coffre.example/problems/overloaded");
                assertRefusal(
                        post(service, "/api/v1/documents", hospital), "https://coffre.example/problems/overloaded");
                HttpResponse<String> laboratory = post(service, "/api/v1/documents", KeycloakTokens.laboratory());
                assertEquals(201, laboratory.statusCode(), "another producer goes on: " + laboratory.body());
            } finally {
                for (StalledRequest request : stalled) {
                    request.close();
                }
            }
            // The slow clients gone, their places are given back.
            awaitInFlight(service, "patient", 0);
            awaitInFlight(service, "producer", 0);
        }
    }

    /** An upload whose client sends its headers and five bytes of content, then nothing. */
    static StalledRequest stall(ServiceProcess service, String path, String token) throws Exception {
        return stall(service, path, token, -1);
    }

    /** A stalled upload whose Content-Length declares {@code declared} bytes, or its body's length when negative. */
    static StalledRequest stall(ServiceProcess service, String path, String token, long declared) throws Exception {
        Submissions upload = uploadTo(path);
        byte[] body = upload.bytes();
        byte[] pdf = Corpus.bytes(PDF);
        int content = Collections.indexOfSubList(Bytes.asList(body), Bytes.asList(Arrays.copyOf(pdf, 16)));
        return new StalledRequest(
                service.port(),
                path,
                token,
                upload.contentType(),
                body,
                content + 5,
                declared < 0 ? body.length : declared);
    }

    /** A patient's upload has no metadata: the document is filed under the patient's own INS. */
    static Submissions uploadTo(String path) {
        return path.startsWith("/api/v1/me/")
                ? new Submissions().part("content", "application/pdf", Corpus.bytes(PDF))
                : upload();
    }

    static HttpResponse<String> post(ServiceProcess service, String path, String token) throws Exception {
        Submissions upload = uploadTo(path);
        return service.post(path, token, upload.contentType(), new ByteArrayInputStream(upload.bytes()))
                .get(30, TimeUnit.SECONDS);
    }

    static HttpResponse<String> postDeclaringItsLength(ServiceProcess service, String path, String token)
            throws Exception {
        Submissions upload = uploadTo(path);
        return service.post(path, token, upload.contentType(), upload.bytes()).get(30, TimeUnit.SECONDS);
    }

    /** The buffer bytes the producers' uploads in flight are counted for, as the metrics say. */
    static void awaitBuffersCounted(ServiceProcess service, long bytes) {
        await("upload buffers counted")
                .atMost(Duration.ofSeconds(30))
                .until(() -> PrometheusScrape.of(service.managementUrl())
                                .value("coffre_upload_buffers_counted_bytes", Map.of())
                        == bytes);
    }

    static void awaitInFlight(ServiceProcess service, String caller, int count) {
        await("uploads in flight from " + caller + "s")
                .atMost(Duration.ofSeconds(30))
                .until(() -> PrometheusScrape.of(service.managementUrl())
                                .value("coffre_uploads_in_flight", Map.of("caller", caller))
                        == count);
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
