package fr.coffre.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.event.DocumentStored;
import fr.coffre.outbox.OutboxRepository;
import fr.coffre.testing.StoredDocuments;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The document table's one owner: every status transition leaves only the status it names. */
@QuarkusTest
class DocumentRepositoryTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    DocumentRepository documents;

    @Inject
    OutboxRepository outbox;

    @Test
    void aWorkerConcludesAStoredDocumentOnceWhoeverComesSecond() {
        UUID id = stored(StoredDocuments.newPatient());
        assertTrue(in(c -> documents.conclude(c, id, DocumentStatus.INDEXED, null)));
        assertFalse(in(c -> documents.conclude(c, id, DocumentStatus.QUARANTINED, "too-deep")), "already concluded");
        assertEquals(DocumentStatus.INDEXED, status(id));
    }

    @Test
    void aWorkerCannotConcludeADocumentAsAnythingButIndexedQuarantinedOrFailed() {
        UUID id = stored(StoredDocuments.newPatient());
        for (DocumentStatus other : List.of(DocumentStatus.STORED, DocumentStatus.SUPERSEDED, DocumentStatus.DELETED)) {
            assertThrows(IllegalArgumentException.class, () -> documents.conclude(null, id, other, null));
        }
        assertTrue(in(c -> documents.markDeleted(c, id)));
    }

    @Test
    void onlyAFailedDocumentGoesBackToTheQueue() {
        UUID id = stored(StoredDocuments.newPatient());
        assertFalse(in(c -> documents.requeue(c, id)), "a STORED document is not requeued");
        assertTrue(in(c -> documents.conclude(c, id, DocumentStatus.FAILED, "dead-lettered")));
        assertTrue(in(c -> documents.requeue(c, id)));
        assertEquals(DocumentStatus.STORED, status(id));
        assertFalse(in(c -> documents.requeue(c, id)));
        assertTrue(in(c -> documents.markDeleted(c, id)));
    }

    @Test
    void aDeletedOrSupersededDocumentIsNotSupersededAgainAndADeletionHappensOnce() {
        UUID replaced = stored(StoredDocuments.newPatient());
        assertTrue(in(c -> documents.supersede(c, replaced, UUID.randomUUID())));
        assertFalse(in(c -> documents.supersede(c, replaced, UUID.randomUUID())), "already superseded");
        assertTrue(in(c -> documents.markDeleted(c, replaced)));
        assertFalse(in(c -> documents.markDeleted(c, replaced)), "already deleted");
        assertFalse(in(c -> documents.supersede(c, replaced, UUID.randomUUID())), "a deleted document stays deleted");
        assertEquals(DocumentStatus.DELETED, status(replaced));
    }

    @Test
    void erasureFindsEveryDocumentOfThePatientAndTheirUnsentEventsGoWithThem() {
        Identifier patient = StoredDocuments.newPatient();
        UUID other = stored(StoredDocuments.newPatient());
        long left = pool.withTransaction(c -> {
                    Document first = StoredDocuments.of(patient);
                    Document second = StoredDocuments.of(patient);
                    return documents
                            .insert(c, first)
                            .chain(() -> documents.insert(c, second))
                            .chain(() -> outbox.append(
                                    c, "coffre.test.erasure", PatientKey.of(patient), DocumentStored.of(first), null))
                            .chain(() -> documents.lockAllOf(c, patient))
                            .invoke(found -> {
                                assertEquals(
                                        List.of(first.id(), second.id()).stream()
                                                .sorted()
                                                .toList(),
                                        found.ids().stream().sorted().toList());
                                assertEquals(
                                        List.of(first.objectKey(), second.objectKey()).stream()
                                                .sorted()
                                                .toList(),
                                        found.objectKeys().stream().sorted().toList());
                            })
                            .call(found -> outbox.eraseAbout(c, found.ids()))
                            .call(found -> documents.erase(c, found.ids()))
                            .chain(() -> c.preparedQuery("SELECT (SELECT count(*) FROM document WHERE patient_id = $1) "
                                            + "+ (SELECT count(*) FROM outbox WHERE document_id = ANY($2))")
                                    .execute(Tuple.of(patient.value(), new UUID[] {first.id(), second.id()})))
                            .map(rows -> rows.iterator().next().getLong(0));
                })
                .await()
                .atMost(DEADLINE);
        assertEquals(0, left);
        assertEquals(DocumentStatus.STORED, status(other), "another patient's document is untouched");
        assertTrue(in(c -> documents.markDeleted(c, other)));
    }

    @Test
    void everyXdsFieldOfAnEntrySurvivesARoundTrip() {
        Document plain = StoredDocuments.of(StoredDocuments.newPatient());
        Author surgeon = new Author(
                "810001234567",
                "1.2.250.1.71.4.2.1",
                "Jeanne Martin",
                "CHU de Lyon",
                new Code("10", "1.2.250.1.213.1.1.4.5", "Médecin"),
                new Code("SM54", "1.2.250.1.71.4.2.5", "Chirurgie générale"));
        Author nurse = new Author("820001234567", "1.2.250.1.71.4.2.1", "Paul Durand", "CHU de Lyon");
        DocumentEntry entry = new DocumentEntry(
                plain.entry().uniqueId(),
                plain.entry().patient(),
                plain.entry().typeCode(),
                "10",
                "Compte rendu opératoire",
                OffsetDateTime.parse("2026-11-02T10:00:00Z"),
                OffsetDateTime.parse("2026-11-01T08:00:00Z"),
                OffsetDateTime.parse("2026-11-01T12:00:00Z"),
                "N",
                null,
                "1.2.250.1.213.1.1.4.1",
                new Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", null),
                new Code("394609007", "2.16.840.1.113883.6.96", "Chirurgie générale"),
                new Code("22232009", "2.16.840.1.113883.6.96", "Hôpital"),
                List.of(new Code("GFFA003", "1.2.250.1.213.2.5", null), new Code("Z01", "1.2.3", "autre")),
                List.of(surgeon, nurse),
                "fr-FR",
                new Author("830001234567", "1.2.250.1.71.4.2.1", "Marc Petit", null),
                List.of("1.2.250.1.999.1^sejour-42", "commande-7"),
                "1.2.250.1.999.2^set-1",
                3,
                List.of(
                        new Code("N", "2.16.840.1.113883.5.25", null),
                        new Code("MASQUE_PS", "1.2.250.1.213.1.1.4.13", null)));
        Document full = new Document(
                plain.id(),
                plain.producerId(),
                entry,
                plain.mediaType(),
                plain.sha256(),
                plain.size(),
                plain.objectKey(),
                plain.submissionId(),
                null,
                DocumentStatus.STORED,
                null,
                plain.receivedAt());
        pool.withTransaction(c -> documents.insert(c, full)).await().atMost(DEADLINE);

        DocumentEntry read = documents
                .findById(full.id())
                .await()
                .atMost(DEADLINE)
                .orElseThrow()
                .entry();

        assertEquals(entry, read);
        assertEquals(surgeon, read.author(), "the first author is the author");
        assertTrue(VisibilityLabel.MASQUE_PS.on(read));
        assertTrue(in(c -> documents.markDeleted(c, full.id())));
    }

    private UUID stored(Identifier patient) {
        Document document = StoredDocuments.of(patient);
        pool.withTransaction(c -> documents.insert(c, document)).await().atMost(DEADLINE);
        return document.id();
    }

    private boolean in(Function<SqlConnection, Uni<Boolean>> change) {
        return pool.withTransaction(change).await().atMost(DEADLINE);
    }

    private DocumentStatus status(UUID id) {
        return documents.findById(id).await().atMost(DEADLINE).orElseThrow().status();
    }
}
