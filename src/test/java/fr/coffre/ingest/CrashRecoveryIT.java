package fr.coffre.ingest;

import static fr.coffre.testing.Uploads.metadata;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.LocalStack;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StalledStream;
import fr.coffre.testing.StoredObjects;
import fr.coffre.testing.Submissions;
import fr.coffre.testing.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed with SIGKILL at the worst moments, then started again: nothing it
 * acknowledged is missing, nothing is stored or announced twice, and what it had not committed
 * leaves no trace once the orphan sweeper has run.
 */
class CrashRecoveryIT {

    static final String PDF = "pdf/CR-BIO_TSH_rendition.pdf";
    static final String OTHER_PDF = "pdf/CR-IMG_N1_rendition.pdf";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    static ServiceProcess service;
    static String hospital;

    @BeforeAll
    static void start() {
        // A short grace period so the test sees orphans swept; the commit refuses a swept object anyway.
        service = new ServiceProcess(
                        "crash", 18191, List.of("-Xmx256m"), Map.of("COFFRE_STORAGE_ORPHAN_GRACE_PERIOD", "PT5S"))
                .start();
        hospital = KeycloakTokens.hospital();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        service.close();
    }

    @Test
    void killedWhileASubmissionStreams() throws Exception {
        String one = "crash-" + UUID.randomUUID();
        String two = "crash-" + UUID.randomUUID();
        String three = "crash-" + UUID.randomUUID();
        byte[] large = pdfOf(12 * 1024 * 1024);
        JsonArray manifest = new JsonArray()
                .add(metadata(one).put("part", "one"))
                .add(metadata(two).put("part", "two"))
                .add(metadata(three).put("part", "three"));
        Submissions full = Submissions.withManifest(manifest)
                .part("one", "application/pdf", Corpus.bytes(PDF))
                .part("two", "application/pdf", Corpus.bytes(OTHER_PDF))
                .part("three", "application/pdf", large);
        byte[] body = full.bytes();
        Set<String> pendingBefore = pendingKeys();

        // The client sends the first two documents and 7 MiB of the third, then stalls.
        CountDownLatch gate = new CountDownLatch(1);
        int cut = body.length - large.length + 7 * 1024 * 1024;
        var answer = post(
                "/api/v1/submissions",
                full.contentType(),
                new SequenceInputStream(new ByteArrayInputStream(body, 0, cut), new StalledStream(gate)));
        await().atMost(DEADLINE)
                .until(() -> Database.count("SELECT count(*) FROM document WHERE unique_id IN (?, ?)", one, two) == 2
                        && !newKeys(pendingBefore).isEmpty());
        Set<String> orphans = newKeys(pendingBefore);

        service.kill();
        gate.countDown();
        assertTrue(
                answer.handle((response, failure) -> failure != null || response.statusCode() >= 500)
                        .get(),
                "the interrupted submission is not acknowledged");
        service.start();

        await().atMost(DEADLINE)
                .until(() -> orphans.stream().noneMatch(StoredObjects::exists)
                        && pendingKeys().stream().noneMatch(orphans::contains));

        HttpResponse<String> resent = post("/api/v1/submissions", full.contentType(), new ByteArrayInputStream(body))
                .get();
        assertEquals(201, resent.statusCode(), resent.body());
        JsonObject outcome = new JsonObject(resent.body());
        assertEquals(
                List.of("duplicate", "duplicate", "created"),
                outcome.getJsonArray("documents").stream()
                        .map(e -> ((JsonObject) e).getString("outcome"))
                        .toList());
        assertEquals(3, Database.count("SELECT count(*) FROM document WHERE unique_id IN (?, ?, ?)", one, two, three));
    }

    @Test
    void killedAfterTheBytesAreStoredAndBeforeTheRowCommits() throws Exception {
        String uniqueId = "crash-" + UUID.randomUUID();
        Submissions upload = new Submissions()
                .part(
                        "metadata",
                        "application/json",
                        metadata(uniqueId).encode().getBytes())
                .part("content", "application/pdf", Corpus.bytes(PDF));
        Set<String> pendingBefore = pendingKeys();
        CompletableFuture<HttpResponse<String>> answer;
        Set<String> orphans;
        try (Connection lock = Database.connect()) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                // Reads go on; the service's INSERT waits here, its object already written.
                statement.execute("LOCK TABLE document IN SHARE MODE");
            }
            answer = post("/api/v1/documents", upload.contentType(), new ByteArrayInputStream(upload.bytes()));
            await().atMost(DEADLINE)
                    .until(() -> Database.count("SELECT count(*) FROM pg_stat_activity "
                                    + "WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO document%'")
                            == 1);
            orphans = newKeys(pendingBefore);
            assertEquals(1, orphans.size());
            assertTrue(StoredObjects.exists(orphans.iterator().next()), "the bytes were stored before the commit");
            service.kill();
            lock.rollback();
        }
        assertTrue(answer.handle((response, failure) -> failure != null).get(), "the upload was not acknowledged");
        service.start();

        String orphan = orphans.iterator().next();
        await().atMost(DEADLINE)
                .until(() -> !StoredObjects.exists(orphan) && !pendingKeys().contains(orphan));
        assertEquals(0, Database.count("SELECT count(*) FROM document WHERE unique_id = ?", uniqueId));
        assertEquals(
                0,
                Database.count("SELECT count(*) FROM outbox WHERE payload->>'objectKey' = ?", orphan),
                "no event announces an uncommitted document");

        HttpResponse<String> retried = post(
                        "/api/v1/documents", upload.contentType(), new ByteArrayInputStream(upload.bytes()))
                .get();
        assertEquals(201, retried.statusCode(), retried.body());
        assertEquals(1, Database.count("SELECT count(*) FROM document WHERE unique_id = ?", uniqueId));
    }

    @Test
    void killedAfterTheCommitWhileKafkaIsDown() throws Exception {
        String uniqueId = "crash-" + UUID.randomUUID();
        Submissions upload = new Submissions()
                .part(
                        "metadata",
                        "application/json",
                        metadata(uniqueId).encode().getBytes())
                .part("content", "application/pdf", Corpus.bytes(OTHER_PDF));
        String id;
        LocalStack.stop("kafka");
        try {
            HttpResponse<String> accepted = post(
                            "/api/v1/documents", upload.contentType(), new ByteArrayInputStream(upload.bytes()))
                    .get();
            assertEquals(201, accepted.statusCode(), "acceptance does not wait for Kafka: " + accepted.body());
            id = new JsonObject(accepted.body()).getString("id");
            assertEquals(
                    1,
                    Database.count("SELECT count(*) FROM outbox WHERE payload->>'documentId' = ?", id),
                    "the event waits in PostgreSQL");
            service.kill();
        } finally {
            LocalStack.start("kafka");
        }
        service.start();

        await().atMost(DEADLINE)
                .until(() -> Database.count("SELECT count(*) FROM outbox WHERE payload->>'documentId' = ?", id) == 0);
        assertEquals(
                1,
                Topics.eventsAbout("coffre.documents.stored", id),
                "the acknowledged document is announced exactly once");
        String key = Database.strings("SELECT object_key FROM document WHERE id = ?::uuid", id)
                .get(0);
        assertEquals(
                Database.strings("SELECT sha256 FROM document WHERE id = ?::uuid", id)
                        .get(0),
                StoredObjects.sha256(key));

        HttpResponse<String> retried = post(
                        "/api/v1/documents", upload.contentType(), new ByteArrayInputStream(upload.bytes()))
                .get();
        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals(id, new JsonObject(retried.body()).getString("id"));
        assertEquals(1, Database.count("SELECT count(*) FROM document WHERE unique_id = ?", uniqueId));
    }

    CompletableFuture<HttpResponse<String>> post(String path, String contentType, InputStream body) {
        return service.post(path, hospital, contentType, body);
    }

    static byte[] pdfOf(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        byte[] head = Corpus.bytes(PDF);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return bytes;
    }

    static Set<String> pendingKeys() {
        return new HashSet<>(Database.strings("SELECT object_key FROM pending_object"));
    }

    static Set<String> newKeys(Set<String> before) {
        Set<String> keys = pendingKeys();
        keys.removeAll(before);
        return keys;
    }
}
