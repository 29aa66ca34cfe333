package fr.coffre.ingest;

import static fr.coffre.testing.Uploads.metadata;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StalledStream;
import fr.coffre.testing.Submissions;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A large upload whose client stalls between two parts holds no thread that other uploads need
 * (issue 14, item 9: the S3 client read the parts on the JVM's common pool, one thread on two cores).
 */
class StalledUploadIT {

    static final int LARGE = 12 * 1024 * 1024;
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void aLargeUploadStalledBetweenPartsHoldsUpNoOtherLargeUpload() throws Exception {
        String token = KeycloakTokens.hospital();
        try (ServiceProcess service = new ServiceProcess(
                        "stalled-upload", 18189, List.of(), Map.of("COFFRE_INGEST_BODY_IDLE_TIMEOUT", "PT5M"))
                .start()) {
            Set<String> pendingBefore = CrashRecoveryIT.pendingKeys();
            byte[] large = CrashRecoveryIT.pdfOf(LARGE);
            Submissions stalled = upload("stalled-" + UUID.randomUUID(), large);
            byte[] body = stalled.bytes();
            // Past the first 5 MiB part: the next read waits on the client, which sends nothing more.
            int cut = body.length - large.length + 7 * 1024 * 1024;
            CountDownLatch gate = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> first = service.post(
                    "/api/v1/documents",
                    token,
                    stalled.contentType(),
                    new SequenceInputStream(new ByteArrayInputStream(body, 0, cut), new StalledStream(gate)));
            try {
                await().atMost(DEADLINE)
                        .until(() -> !CrashRecoveryIT.newKeys(pendingBefore).isEmpty());
                Submissions other = upload("flowing-" + UUID.randomUUID(), large);
                HttpResponse<String> second = service.post(
                                "/api/v1/documents",
                                token,
                                other.contentType(),
                                new ByteArrayInputStream(other.bytes()))
                        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertEquals(201, second.statusCode(), second.body());
            } finally {
                gate.countDown();
            }
            assertTrue(
                    first.handle((response, failure) -> failure != null || response.statusCode() == 400)
                            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                    "the stalled upload is not acknowledged");
        }
    }

    private static Submissions upload(String uniqueId, byte[] content) {
        return new Submissions()
                .part(
                        "metadata",
                        "application/json",
                        metadata(uniqueId).encode().getBytes())
                .part("content", "application/pdf", content);
    }
}
