package fr.coffre.ingest;

import static fr.coffre.testing.Uploads.metadata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.GeneratedPdf;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StoredObjects;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A document more than twice the size of the service's whole heap streams through it intact. */
class LargeUploadIT {

    static final int HEAP_MIB = 128;
    static final long SIZE = 320L * 1024 * 1024;

    @Test
    void aDocumentLargerThanTheHeapIsStoredWhole() throws Exception {
        upload(null);
    }

    /**
     * Java's HttpClient asks by default to upgrade to cleartext HTTP/2 (Upgrade: h2c); a server
     * that accepted would buffer the whole body first. The service speaks HTTP/1.1 only.
     */
    @Test
    void aClientAskingForAnHttp2UpgradeStillStreams() throws Exception {
        upload(HttpClient.newHttpClient());
    }

    void upload(HttpClient client) throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "large",
                        18192,
                        List.of("-Xmx" + HEAP_MIB + "m"),
                        Map.of("COFFRE_MAX_DOCUMENT_SIZE", String.valueOf(1L << 30)))
                .start()) {
            String uniqueId = "large-" + UUID.randomUUID();
            String boundary = "large-" + UUID.randomUUID();
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                            + "Content-Type: application/json\r\n\r\n"
                            + metadata(uniqueId).encode() + "\r\n--" + boundary
                            + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"scan.pdf\"\r\n"
                            + "Content-Type: application/pdf\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            InputStream content = new DigestInputStream(new GeneratedPdf(SIZE), sent);

            InputStream body = new SequenceInputStream(Collections.enumeration(
                    List.of(new ByteArrayInputStream(head), content, new ByteArrayInputStream(tail))));
            String type = "multipart/form-data; boundary=" + boundary;
            var answer = client == null
                    ? service.post("/api/v1/documents", KeycloakTokens.hospital(), type, body)
                            .get()
                    : client.send(
                            HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/documents"))
                                    .header("Authorization", "Bearer " + KeycloakTokens.hospital())
                                    .header("Content-Type", type)
                                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertEquals(201, answer.statusCode(), answer.body());
            JsonObject document = new JsonObject(answer.body());
            String sha256 = HexFormat.of().formatHex(sent.digest());
            assertEquals(SIZE, document.getLong("size"));
            assertEquals(sha256, document.getString("sha256"));
            String key = Database.strings(
                            "SELECT object_key FROM document WHERE id = ?::uuid", document.getString("id"))
                    .get(0);
            assertEquals(sha256, StoredObjects.sha256(key));
            assertTrue(service.isAlive(), "the service survived the upload");
        }
    }
}
