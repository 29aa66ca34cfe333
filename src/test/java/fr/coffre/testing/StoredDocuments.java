package fr.coffre.testing;

import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.Identifier;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Document rows as an upload would have committed them, for tests of what the repositories do
 * with them: no object behind them and no event announcing them, so no worker picks them up.
 */
public final class StoredDocuments {

    private StoredDocuments() {}

    /** A patient no other test has. */
    public static Identifier newPatient() {
        return new Identifier("1.2.250.1.213.1.4.10", "test-" + UUID.randomUUID());
    }

    /** A STORED laboratory report of the patient, new (not inserted yet). */
    public static Document of(Identifier patient) {
        UUID id = UUID.randomUUID();
        DocumentEntry entry = new DocumentEntry(
                "repository-test-" + id,
                patient,
                new Code("11502-2", "2.16.840.1.113883.6.1", null),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        return new Document(
                id,
                "test-producer",
                entry,
                "text/plain",
                "0".repeat(64),
                1,
                "documents/test/" + id,
                UUID.randomUUID(),
                null,
                DocumentStatus.STORED,
                null,
                DocumentRepository.now().truncatedTo(ChronoUnit.MICROS));
    }
}
