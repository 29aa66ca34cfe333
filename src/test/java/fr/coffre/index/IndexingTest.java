package fr.coffre.index;

import static fr.coffre.testing.Uploads.metadata;
import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.Identifier;
import fr.coffre.document.PatientKey;
import fr.coffre.event.DocumentStored;
import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.outbox.OutboxRelay;
import fr.coffre.outbox.OutboxRepository;
import fr.coffre.storage.DocumentObjectStore;
import fr.coffre.storage.ObjectStorageConfig;
import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Topics;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IndexingTest {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final String CDA = "cda/BIO-CR-BIO_2024.01_TSH_1.xml";

    @Inject
    Pool pool;

    @Inject
    DocumentRepository documents;

    @Inject
    OutboxRepository outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    DocumentObjectStore store;

    @Inject
    MinioAsyncClient s3;

    @Inject
    ObjectStorageConfig storage;

    @Inject
    KafkaTopicsConfig topics;

    @Inject
    StaleDocumentAnnouncer announcer;

    @Test
    void aDocumentWhoseEventWasLostIsAnnouncedAgainAndIndexed() {
        String id = uploadText(metadata("lost-" + UUID.randomUUID()), "Compte rendu dont l'annonce s'est perdue.");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        // As a worker that took the record and stopped before indexing leaves it: STORED, no event.
        Database.update(
                "UPDATE document SET status = 'STORED', received_at = now() - interval '1 hour' WHERE id = ?::uuid",
                id);
        Database.update("DELETE FROM document_index WHERE document_id = ?::uuid", id);
        assertEquals("STORED", Database.status(id));

        while (announcer.announce(Duration.ofMinutes(30)) == StaleDocumentAnnouncer.BATCH) {
            // older stale documents first; the test's comes in a later batch
        }

        assertEquals("INDEXED", Database.awaitConcluded(id));
        assertEquals(0, announcer.announce(Duration.ofMinutes(30)), "announced again once per period at most");
    }

    @Test
    void aDocumentIsFoundByItsWordsWithoutAccentsOrEndingsAndAnnouncedOnce() {
        String text = "Échographie abdominale réalisée le 3 mars : foie homogène, vésicule alithiasique.";
        String id = uploadText(metadata("text-" + UUID.randomUUID()).put("title", "Compte rendu d'échographie"), text);

        assertEquals("INDEXED", Database.awaitConcluded(id));
        assertEquals(1, matches(id, "echographie abdominale"), "accents are ignored");
        assertEquals(1, matches(id, "réalisées"), "French endings are stemmed");
        assertEquals(1, matches(id, "vesicules"));
        assertEquals(0, matches(id, "scanner"));
        Row entry = indexEntry(id);
        assertEquals("TEXT", entry.getString("detected_kind"));
        assertTrue(entry.getString("excerpt").contains("vésicule alithiasique"));
        await().atMost(DEADLINE).until(() -> Topics.relayed(id));
        assertEquals(
                1,
                Topics.eventsAbout(topics.topics().documentsIndexed().name(), id),
                "the document-indexed event is committed with the status, and relayed once");
    }

    @Test
    void titlesRankAboveBodyText() {
        String word = "zygomatique"
                + UUID.randomUUID().toString().replaceAll("[^a-f]", "").substring(0, 4);
        String inBody = uploadText(
                metadata("rank-" + UUID.randomUUID()).put("title", "Compte rendu"),
                "Une fracture " + word + " est notée.");
        String inTitle = uploadText(
                metadata("rank-" + UUID.randomUUID()).put("title", "Fracture " + word), "Compte rendu sans rapport.");
        Database.awaitConcluded(inTitle);
        Database.awaitConcluded(inBody);
        List<String> ranked = new ArrayList<>();
        pool.preparedQuery("SELECT document_id FROM document_index WHERE search @@ plainto_tsquery('coffre_fr', $1) "
                        + "ORDER BY ts_rank(search, plainto_tsquery('coffre_fr', $1)) DESC")
                .execute(Tuple.of(word))
                .await()
                .atMost(DEADLINE)
                .forEach(row -> ranked.add(row.getUUID(0).toString()));
        assertEquals(List.of(inTitle, inBody), ranked);
    }

    @Test
    void aDeclaredTypeThatDisagreesWithTheContentIsFlaggedNotRefused() {
        // A fresh ClinicalDocument/id, so this is a new document and not a retry of the corpus one.
        String cda = new String(Corpus.bytes(CDA), StandardCharsets.UTF_8)
                .replace(
                        "<id root=\"1.2.250.1.213.1.1.1.55.2024.9.1\"/>",
                        "<id root=\"1.2.250.1.213.1.1.1.55.2024.9.1\" extension=\"" + UUID.randomUUID() + "\"/>");
        var declared = new JsonObject()
                .put(
                        "typeCode",
                        new JsonObject()
                                .put("code", "11488-4")
                                .put("system", "2.16.840.1.113883.6.1")
                                .put("display", "Consultation note"));
        String id = upload(KeycloakTokens.radiology(), declared, cda.getBytes(StandardCharsets.UTF_8), "text/xml")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        assertTrue(indexEntry(id).getBoolean("type_mismatch"));
        assertEquals("11502-2", indexEntry(id).getString("content_code"));
        assertTrue(Database.statusReason(id).startsWith("type-mismatch"), Database.statusReason(id));
    }

    @Test
    void aDocumentWhoseContentNamesAnotherPatientIsQuarantined() throws Exception {
        // The upload refuses such a document; this one stands for a row filed wrongly by other means.
        Document wrong =
                insertStored(new Identifier("1.2.250.1.213.1.4.10", "180057512345627"), Corpus.bytes(CDA), "text/xml");
        assertEquals("QUARANTINED", Database.awaitConcluded(wrong.id().toString()));
        assertTrue(
                Database.statusReason(wrong.id().toString()).startsWith("patient-mismatch"),
                Database.statusReason(wrong.id().toString()));
        assertEquals(
                0L,
                pool.preparedQuery("SELECT count(*) FROM document_index WHERE document_id = $1")
                        .execute(Tuple.of(wrong.id()))
                        .await()
                        .atMost(DEADLINE)
                        .iterator()
                        .next()
                        .getLong(0));
    }

    @Test
    void aPoisonDocumentDoesNotHoldBackTheOthersAndIsDeadLetteredThenReplayed() throws Exception {
        Identifier patient = new Identifier("1.2.250.1.213.1.4.10", "279035121518989");
        // An extraction process started first: run alone, this test saw the first one's start-up
        // (seconds on a busy machine) outlast the poison's three attempts (3 s, then 6 s apart).
        assertEquals("INDEXED", Database.awaitConcluded(uploadText(metadata("ahead-" + UUID.randomUUID()), "Avant")));
        // Its object is missing: every attempt fails, as if the store had lost it.
        Document poison = insertStored(patient, null, "application/pdf");
        List<String> behind = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            behind.add(uploadText(metadata("behind-" + UUID.randomUUID()), "Résultat " + i));
        }
        // Same patient, so same partition: the documents behind it are indexed while it waits for its retries.
        for (String id : behind) {
            assertEquals("INDEXED", Database.awaitConcluded(id));
        }
        assertEquals("STORED", Database.status(poison.id().toString()), "the poison is still being retried");

        assertEquals("FAILED", Database.awaitConcluded(poison.id().toString()));
        assertTrue(
                Database.statusReason(poison.id().toString()).startsWith("dead-lettered after 3 attempts"),
                Database.statusReason(poison.id().toString()));

        byte[] pdf = Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf");
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(poison.objectKey()).stream(
                                new ByteArrayInputStream(pdf), pdf.length, -1)
                        .build())
                .get(30, TimeUnit.SECONDS);
        String operator = KeycloakTokens.user("operator.ops");
        given().auth()
                .oauth2(KeycloakTokens.hospital())
                .post("/api/v1/operations/dead-letters/replay")
                .then()
                .statusCode(403);
        // The dead letter may still be on its way to Kafka when the status is written: replay until it is seen.
        await().atMost(DEADLINE)
                .untilAsserted(() -> given().auth()
                        .oauth2(operator)
                        .post("/api/v1/operations/dead-letters/replay")
                        .then()
                        .statusCode(200)
                        .body("documents.documentId", hasItem(poison.id().toString())));
        assertEquals("INDEXED", Database.awaitConcluded(poison.id().toString()), "replayed once its object is back");
        given().auth()
                .oauth2(operator)
                .post("/api/v1/operations/dead-letters/replay")
                .then()
                .statusCode(200)
                .body("replayed", equalTo(0));
    }

    Document insertStored(Identifier patient, byte[] content, String mediaType) throws Exception {
        String key = store.newKey();
        if (content != null) {
            s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(key).stream(
                                    new ByteArrayInputStream(content), content.length, -1)
                            .build())
                    .get(30, TimeUnit.SECONDS);
        }
        UUID submission = UUID.randomUUID();
        DocumentEntry entry = new DocumentEntry(
                "direct-" + UUID.randomUUID(),
                patient,
                new Code("11502-2", "2.16.840.1.113883.6.1", "CR d'examens biologiques"),
                null,
                "Compte rendu",
                OffsetDateTime.now(),
                null,
                null,
                null,
                null);
        Document document = new Document(
                UUID.randomUUID(),
                "690781810",
                entry,
                mediaType,
                "0".repeat(64),
                content == null ? 1000 : content.length,
                key,
                submission,
                null,
                DocumentStatus.STORED,
                null,
                DocumentRepository.now());
        pool.withTransaction(connection -> connection
                        .preparedQuery("INSERT INTO submission (id, producer_id) VALUES ($1, $2)")
                        .execute(Tuple.of(submission, document.producerId()))
                        .chain(() -> documents.insert(connection, document))
                        .chain(() -> outbox.append(
                                connection,
                                topics.topics().documentsStored().name(),
                                PatientKey.of(patient),
                                DocumentStored.of(document),
                                null)))
                .await()
                .atMost(DEADLINE);
        relay.wakeUp();
        return document;
    }

    long matches(String id, String query) {
        return pool.preparedQuery("SELECT count(*) FROM document_index WHERE document_id = $1 "
                        + "AND search @@ plainto_tsquery('coffre_fr', $2)")
                .execute(Tuple.of(UUID.fromString(id), query))
                .await()
                .atMost(DEADLINE)
                .iterator()
                .next()
                .getLong(0);
    }

    Row indexEntry(String id) {
        return pool.preparedQuery("SELECT * FROM document_index WHERE document_id = $1")
                .execute(Tuple.of(UUID.fromString(id)))
                .await()
                .atMost(DEADLINE)
                .iterator()
                .next();
    }

    /** A text document uploaded by the hospital and accepted: its id. */
    static String uploadText(JsonObject metadata, String text) {
        return upload(KeycloakTokens.hospital(), metadata, text.getBytes(StandardCharsets.UTF_8), "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
