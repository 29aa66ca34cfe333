package fr.coffre.index;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.Document;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentStatus;
import fr.coffre.extraction.ContentKind;
import fr.coffre.extraction.ExtractedContent;
import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.testing.Database;
import fr.coffre.testing.ExtractedContents;
import fr.coffre.testing.StoredDocuments;
import fr.coffre.testing.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A document's end as a worker writes it: its entry, its status and its announcement commit
 * together, and only while it is still STORED, however many deliveries of its event come.
 */
@QuarkusTest
class IndexRepositoryTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    DocumentRepository documents;

    @Inject
    IndexRepository index;

    @Inject
    KafkaTopicsConfig topics;

    @Inject
    SearchVectorRewrite rewrite;

    @Test
    void aDocumentIsIndexedAndAnnouncedOnceHoweverOftenItsEventComes() {
        Document document = stored();

        assertTrue(indexed(document, content("Bilan thyroïdien : TSH normale.")));
        assertFalse(
                indexed(document, content("Bilan thyroïdien : TSH normale.")),
                "a second delivery changes nothing, and is not an error");

        String id = document.id().toString();
        assertEquals("INDEXED", Database.status(id));
        assertEquals(1, Database.count("SELECT count(*) FROM document_index WHERE document_id = ?::uuid", id));
        await().atMost(DEADLINE).until(() -> Topics.relayed(id));
        assertEquals(1, Topics.eventsAbout(topics.topics().documentsIndexed().name(), id));
    }

    @Test
    void twoWorkersEndingTheSameDocumentAtOnceIndexItOnce() {
        Document document = stored();

        List<Boolean> results = Uni.join()
                .all(
                        index.index(document, content("Premier passage."), null, false),
                        index.index(document, content("Second passage."), null, false))
                .andFailFast()
                .await()
                .atMost(DEADLINE);

        assertEquals(1, results.stream().filter(done -> done).count(), results.toString());
        String id = document.id().toString();
        assertEquals(1, Database.count("SELECT count(*) FROM document_index WHERE document_id = ?::uuid", id));
        await().atMost(DEADLINE).until(() -> Topics.relayed(id));
        assertEquals(1, Topics.eventsAbout(topics.topics().documentsIndexed().name(), id));
    }

    @Test
    void aDocumentSetAsideFirstIsNeitherIndexedNorAnnounced() {
        Document document = stored();
        assertTrue(index.setAside(document, DocumentStatus.QUARANTINED, "too-deep")
                .await()
                .atMost(DEADLINE));

        assertFalse(indexed(document, content("Arrivé trop tard.")));

        String id = document.id().toString();
        assertEquals("QUARANTINED", Database.status(id));
        assertEquals(0, Database.count("SELECT count(*) FROM document_index WHERE document_id = ?::uuid", id));
        // An announcement committed by mistake is in the outbox until it is in Kafka.
        assertEquals(0, Database.count("SELECT count(*) FROM outbox WHERE document_id = ?::uuid", id));
        assertEquals(0, Topics.eventsAbout(topics.topics().documentsIndexed().name(), id));
    }

    @Test
    void anEntryPostgresqlRefusesLeavesTheDocumentStoredAndUnannounced() {
        Document document = stored();

        // PostgreSQL's text holds no NUL character: the entry fails once the status has changed.
        PgException refused = assertThrows(PgException.class, () -> indexed(document, content("avant\u0000après")));

        assertEquals("22021", refused.getSqlState(), refused.getMessage());
        String id = document.id().toString();
        assertEquals("STORED", Database.status(id), "the status change is rolled back with the entry");
        assertEquals(0, Database.count("SELECT count(*) FROM outbox WHERE document_id = ?::uuid", id));
        assertTrue(indexed(document, content("après")), "a later delivery indexes it");
    }

    @Test
    void wordsJoinedToDigitsAreFoundWithOrWithoutTheirAccents() {
        Document document = stored();

        assertTrue(indexed(document, content("Compte rendu de la 1ère consultation, patient en 2ème-classe.")));

        String id = document.id().toString();
        for (String search : List.of("1ere", "1ère", "2eme-classe", "2ème-classe", "1ERE consultation")) {
            assertTrue(found(id, search), search);
        }
    }

    @Test
    void vectorsIndexedBeforeWordsWithDigitsWereUnaccentedAreRewrittenAndFoundAgain() {
        Document document = stored();
        assertTrue(indexed(document, content("Visite")));
        String id = document.id().toString();
        // The vector as indexing wrote it before V19, a title weighing A and a body D: for texts
        // whose only accents are in words joined to digits, coffre_fr then gave what the plain
        // French configuration gives.
        String title = "1ère visite";
        String body = "Patient en 2ème-classe.";
        Database.update(
                "UPDATE document_index SET search = setweight(to_tsvector('french', ?), 'A') || to_tsvector('french', ?) "
                        + "WHERE document_id = ?::uuid",
                title,
                body,
                id);
        assertFalse(found(id, "1ere"), "the gap this rewrite closes");
        Database.update("UPDATE search_vector_rewrite SET after = NULL, finished_at = NULL");

        rewrite.start();

        // Or a run the background started first does it; at worst the next minute's.
        await().atMost(Duration.ofSeconds(90))
                .until(() ->
                        Database.count("SELECT count(*) FROM search_vector_rewrite WHERE finished_at IS NULL") == 0);
        assertEquals(
                1,
                Database.count(
                        "SELECT count(*) FROM document_index WHERE document_id = ?::uuid "
                                + "AND search = setweight(to_tsvector('coffre_fr', ?), 'A') || to_tsvector('coffre_fr', ?)",
                        id,
                        title,
                        body),
                "the vector indexing writes now");
        assertTrue(found(id, "1ere"));
        assertTrue(found(id, "1ère"));
        assertTrue(found(id, "2ème-classe"));
    }

    @Test
    void aRewriteGoesThroughTheTableABatchAtATimeFromWhereItStopped() {
        Document document = stored();
        assertTrue(indexed(document, content("Visite")));
        String id = document.id().toString();
        Database.update(
                "UPDATE document_index SET search = to_tsvector('french', '1ère visite') WHERE document_id = ?::uuid",
                id);
        long rows = Database.count("SELECT count(*) FROM document_index");
        Database.update("UPDATE search_vector_rewrite SET after = NULL, finished_at = NULL");

        int limit = (int) Math.max(2, rows / 20);
        long slack = rows / 10 + 50; // rows the workers index meanwhile
        int batches = 0;
        long scanned = 0;
        boolean finished = false;
        while (!finished && batches <= rows / limit + slack) {
            IndexRepository.RewriteBatch batch =
                    index.rewriteWordsWithDigits(limit).await().atMost(DEADLINE);
            if (batch.claimed()) {
                assertTrue(batch.scanned() <= limit, "a batch reads no more than its limit: " + batch);
                batches++;
                scanned += batch.scanned();
                finished = batch.finished();
            } else { // finished, or a run of the background's holds it for a batch
                finished = Database.count("SELECT count(*) FROM search_vector_rewrite WHERE finished_at IS NULL") == 0;
            }
        }

        assertTrue(finished, "finished after " + batches + " batches of " + limit + " over " + rows + " rows");
        assertTrue(scanned <= rows + slack, "no row read twice: " + scanned + " read of " + rows);
        assertTrue(found(id, "1ere"));
    }

    private static boolean found(String documentId, String search) {
        return Database.count(
                        "SELECT count(*) FROM document_index WHERE document_id = ?::uuid "
                                + "AND search @@ websearch_to_tsquery('coffre_fr', ?)",
                        documentId,
                        search)
                == 1;
    }

    private Document stored() {
        Document document = StoredDocuments.of(StoredDocuments.newPatient());
        pool.withTransaction(c -> documents.insert(c, document)).await().atMost(DEADLINE);
        return document;
    }

    private boolean indexed(Document document, ExtractedContent content) {
        return index.index(document, content, null, false).await().atMost(DEADLINE);
    }

    private static ExtractedContent content(String text) {
        return ExtractedContents.of(ContentKind.TEXT, "text/plain").text(text).build();
    }
}
