package fr.coffre.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.ThrottlingProxy;
import fr.coffre.testing.Uploads;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slow is not hostile: a document that storage sends slower than the parse deadline allows is read
 * whole first, then parsed, and indexed, not quarantined as a parse bomb (issue 14, item 11).
 */
class SlowStorageIT {

    static final Duration PARSE_TIMEOUT = Duration.ofSeconds(3);
    static final int TEXT_BYTES = 600 * 1024;
    static final long STORAGE_RATE = 60 * 1024; // bytes per second: the document takes about 10 s to arrive

    @Test
    void aDocumentThatStorageSendsSlowerThanTheParseDeadlineIsIndexed() throws Exception {
        int s3Port = Integer.parseInt(System.getenv().getOrDefault("COFFRE_S3_PORT", "59000"));
        try (ThrottlingProxy slowStorage = new ThrottlingProxy(s3Port, STORAGE_RATE);
                ServiceProcess service = new ServiceProcess(
                                "slow-storage",
                                18188,
                                List.of(),
                                Map.of(
                                        "COFFRE_EXTRACTION_PARSE_TIMEOUT",
                                        PARSE_TIMEOUT.toString(),
                                        "COFFRE_S3_ENDPOINT",
                                        "http://127.0.0.1:" + slowStorage.port()))
                        .start()) {
            HttpResponse<String> accepted = upload(service);
            assertEquals(201, accepted.statusCode(), accepted.body());
            String id = new JsonObject(accepted.body()).getString("id");
            assertEquals("INDEXED", Database.awaitConcluded(id), Database.statusReason(id));
        }
    }

    private static HttpResponse<String> upload(ServiceProcess service) throws Exception {
        String boundary = "slow-" + UUID.randomUUID();
        JsonObject metadata = Uploads.metadata("slow-storage-" + UUID.randomUUID());
        String text = "Compte rendu lu sur un stockage lent. ".repeat(TEXT_BYTES / 38);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                        + "Content-Type: application/json\r\n\r\n" + metadata.encode() + "\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"note.txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\n" + text + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return service.post(
                        "/api/v1/documents",
                        KeycloakTokens.hospital(),
                        "multipart/form-data; boundary=" + boundary,
                        new ByteArrayInputStream(body.toByteArray()))
                .get(60, TimeUnit.SECONDS);
    }
}
