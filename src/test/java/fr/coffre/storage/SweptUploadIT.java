package fr.coffre.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StoredObjects;
import fr.coffre.testing.ThrottlingProxy;
import fr.coffre.testing.Uploads;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An upload slower than the orphan grace period: the sweeper takes it for abandoned while its bytes
 * are still on their way to storage, and they arrive after the sweep. The upload is refused (503,
 * nothing kept) and its bytes are deleted then, not left referenced by nothing (issue 15, item 2).
 */
class SweptUploadIT {

    static final int TEXT_BYTES = 300 * 1024;
    static final long UPLOAD_RATE = 50 * 1024; // bytes per second to storage: about 6 s for the document

    @Test
    void bytesThatArriveAfterTheirSweepAreDeletedWhenTheUploadIsRefused() throws Exception {
        int s3Port = Integer.parseInt(System.getenv().getOrDefault("COFFRE_S3_PORT", "59000"));
        try (ThrottlingProxy slowStorage = new ThrottlingProxy(s3Port, Long.MAX_VALUE, UPLOAD_RATE);
                ServiceProcess service = new ServiceProcess(
                                "swept-upload",
                                18199,
                                List.of(),
                                Map.of(
                                        "COFFRE_STORAGE_ORPHAN_GRACE_PERIOD",
                                        "PT2S",
                                        "COFFRE_S3_ENDPOINT",
                                        "http://127.0.0.1:" + slowStorage.port()))
                        .start()) {
            Set<String> before = new HashSet<>(Database.strings("SELECT object_key FROM pending_object"));
            CompletableFuture<HttpResponse<String>> answer = upload(service);
            String key = await("the upload's pending record")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                Set<String> keys =
                                        new HashSet<>(Database.strings("SELECT object_key FROM pending_object"));
                                keys.removeAll(before);
                                return keys.stream().findFirst();
                            },
                            found -> found.isPresent())
                    .orElseThrow();

            HttpResponse<String> refused = answer.get(60, TimeUnit.SECONDS);
            assertEquals(503, refused.statusCode(), refused.body());
            await("the bytes written after their sweep are deleted")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> !StoredObjects.exists(key));
        }
    }

    private static CompletableFuture<HttpResponse<String>> upload(ServiceProcess service) {
        String text = "Compte rendu envoyé lentement. ".repeat(TEXT_BYTES / 31);
        String body =
                "--xyz\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
                        + Uploads.metadata("swept-" + UUID.randomUUID()).encode()
                        + "\r\n--xyz\r\nContent-Disposition: form-data; name=\"content\"\r\nContent-Type: text/plain\r\n\r\n"
                        + text + "\r\n--xyz--\r\n";
        return service.post(
                "/api/v1/documents",
                KeycloakTokens.hospital(),
                "multipart/form-data; boundary=xyz",
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }
}
