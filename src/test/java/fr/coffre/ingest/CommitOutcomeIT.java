package fr.coffre.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StoredObjects;
import fr.coffre.testing.Uploads;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When PostgreSQL does not confirm a commit in time, the outcome is unknown: the document's bytes
 * must stay, for the commit may still happen (issue 15, item 1). Before, they were deleted and a
 * committed document could be left without content.
 */
class CommitOutcomeIT {

    @Test
    void aCommitThatIsNotConfirmedInTimeKeepsTheDocumentsBytes() throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "commit-outcome", 18190, List.of(), Map.of("COFFRE_BLOCKING_TIMEOUT", "PT2S"))
                .start()) {
            String uniqueId = "unconfirmed-" + UUID.randomUUID();
            String body = body(uniqueId);
            HttpResponse<String> answer;
            try (Connection db = Database.connect();
                    Statement ddl = db.createStatement()) {
                // COMMIT itself takes 4 s for this document (a deferred trigger runs at commit): the
                // service's 2 s pass while its COMMIT is sent and not yet answered.
                ddl.execute("CREATE OR REPLACE FUNCTION coffre_test_slow_commit() RETURNS trigger"
                        + " LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(4); RETURN NULL; END $$");
                ddl.execute("CREATE CONSTRAINT TRIGGER coffre_test_slow_commit AFTER INSERT ON document"
                        + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.unique_id LIKE 'unconfirmed-%')"
                        + " EXECUTE FUNCTION coffre_test_slow_commit()");
                try {
                    answer = post(service, body);
                } finally {
                    ddl.execute("DROP TRIGGER coffre_test_slow_commit ON document");
                    ddl.execute("DROP FUNCTION coffre_test_slow_commit()");
                }
            }
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "told to retry");

            // The commit it had sent went through: the row, and its bytes.
            await("the commit that was not confirmed")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Database.count("SELECT count(*) FROM document WHERE unique_id = ?", uniqueId) == 1);
            String key = Database.strings("SELECT object_key FROM document WHERE unique_id = ?", uniqueId)
                    .getFirst();
            String sha256 = Database.strings("SELECT sha256 FROM document WHERE unique_id = ?", uniqueId)
                    .getFirst();
            assertTrue(StoredObjects.exists(key), "the committed document's bytes are kept");
            assertEquals(sha256, StoredObjects.sha256(key));

            HttpResponse<String> retry = post(service, body);
            assertEquals(200, retry.statusCode(), "the producer's retry finds its document: " + retry.body());
        }
    }

    private static HttpResponse<String> post(ServiceProcess service, String body) throws Exception {
        return service.post(
                        "/api/v1/documents",
                        KeycloakTokens.hospital(),
                        "multipart/form-data; boundary=xyz",
                        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))
                .get(60, TimeUnit.SECONDS);
    }

    private static String body(String uniqueId) {
        JsonObject metadata = Uploads.metadata(uniqueId);
        return "--xyz\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
                + metadata.encode()
                + "\r\n--xyz\r\nContent-Disposition: form-data; name=\"content\"\r\nContent-Type: text/plain\r\n\r\n"
                + "Compte rendu dont le commit tarde.\r\n--xyz--\r\n";
    }
}
