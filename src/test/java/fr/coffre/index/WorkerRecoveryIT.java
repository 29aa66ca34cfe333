package fr.coffre.index;

import static fr.coffre.testing.Uploads.metadata;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.LocalStack;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.Submissions;
import fr.coffre.testing.Topics;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers of the packaged service, with Kafka and then PostgreSQL stopped and started under
 * them: every accepted document ends INDEXED, with exactly one index entry, and is announced.
 */
class WorkerRecoveryIT {

    static final Duration DEADLINE = Duration.ofMinutes(3);

    @Test
    void workersResumeAfterKafkaAndPostgresqlRestartWithNothingLostOrIndexedTwice() throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "workers", 18196, List.of(), Map.of("COFFRE_INGEST_BACKLOG_SAMPLE_INTERVAL", "PT0.5S"))
                .start()) {
            String token = KeycloakTokens.laboratory();
            List<String> accepted = new ArrayList<>();
            accepted.addAll(upload(service, token, 5));

            LocalStack.stop("kafka");
            try {
                accepted.addAll(upload(service, token, 5)); // accepted all the same: their events wait in the outbox
            } finally {
                LocalStack.start("kafka");
            }
            accepted.addAll(upload(service, token, 5));

            LocalStack.stop("postgres");
            LocalStack.start("postgres");
            accepted.addAll(upload(service, token, 5));

            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> accepted.stream().allMatch(id -> "INDEXED".equals(Database.status(id))));
            await().atMost(DEADLINE).until(() -> accepted.stream().allMatch(Topics::relayed));
            for (String id : accepted) {
                assertEquals(1, Database.count("SELECT count(*) FROM document_index WHERE document_id = ?::uuid", id));
                // The relay is at least once: PostgreSQL stopping between Kafka's ack and the outbox
                // delete sends that batch again. Consumers dedupe on documentId; none may be missing.
                assertTrue(Topics.eventsAbout("coffre.documents.indexed", id) >= 1, "announced: " + id);
            }
        }
    }

    @Test
    void aWorkerKilledWhileIndexingLosesNothingAndIndexesNothingTwice(@TempDir Path tmp) throws Exception {
        ServiceProcess service =
                new ServiceProcess("killed-worker", 18198, List.of("-Djava.io.tmpdir=" + tmp), Map.of()).start();
        try {
            List<String> accepted = upload(service, KeycloakTokens.radiology(), 12);
            List<Path> killedOnes = scratchDirectories(tmp, service.handle().pid());
            assertEquals(1, killedOnes.size(), "its temporary files' directory: " + killedOnes);
            service.kill(); // some documents indexed, some in the workers' hands, some not fetched yet
            service.start();
            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> accepted.stream().allMatch(id -> "INDEXED".equals(Database.status(id))));
            for (String id : accepted) {
                assertEquals(1, Database.count("SELECT count(*) FROM document_index WHERE document_id = ?::uuid", id));
            }
            // The killed process could not delete the documents it was extracting: the next one did.
            assertFalse(Files.exists(killedOnes.getFirst()), "the killed process's files are removed");
            assertEquals(1, scratchDirectories(tmp, service.handle().pid()).size());
        } finally {
            service.close();
        }
    }

    private static List<Path> scratchDirectories(Path tmp, long pid) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith("coffre-scratch-" + pid + "-"))
                    .toList();
        }
    }

    /** Uploads until n documents are accepted; the service may ask to retry while a server comes back. */
    static List<String> upload(ServiceProcess service, String token, int n) {
        List<String> ids = new ArrayList<>();
        while (ids.size() < n) {
            Submissions upload = new Submissions()
                    .part(
                            "metadata",
                            "application/json",
                            metadata("recovery-" + UUID.randomUUID()).encode().getBytes())
                    .part(
                            "content",
                            "text/plain",
                            ("Compte rendu " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> answer = await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> service.post(
                                            "/api/v1/documents",
                                            token,
                                            upload.contentType(),
                                            new ByteArrayInputStream(upload.bytes()))
                                    .get(2, TimeUnit.MINUTES),
                            r -> r.statusCode() != 503);
            assertEquals(201, answer.statusCode(), answer.body());
            ids.add(new JsonObject(answer.body()).getString("id"));
        }
        return ids;
    }
}
