package fr.coffre.document;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class DocumentEntryTest {

    static final Identifier PATIENT = new Identifier("1.2.250.1.213.1.4.10", "279035121518989");
    static final Code REPORT = new Code("11502-2", "2.16.840.1.113883.6.1", "CR d'examens biologiques");

    @Test
    void whatIsDeclaredWinsAndTheContentFillsTheRest() {
        DocumentEntry declared =
                new DocumentEntry("u-1", null, null, "class", "Declared title", null, null, null, null, null);
        OffsetDateTime written = OffsetDateTime.parse("2026-01-05T09:00:00+01:00");
        DocumentEntry content = new DocumentEntry(
                "u-2",
                PATIENT,
                REPORT,
                null,
                "Title in the document",
                written,
                written,
                written,
                "N",
                new Author("10101234567", "1.2.250.1.71.4.2.1", "Dr Bernard", "CHU"));
        assertEquals(
                new DocumentEntry(
                        "u-1",
                        PATIENT,
                        REPORT,
                        "class",
                        "Declared title",
                        written,
                        written,
                        written,
                        "N",
                        content.author()),
                declared.orElse(content));
    }

    @Test
    void theEmptyEntryTakesEverythingFromTheOther() {
        DocumentEntry full = new DocumentEntry("u", PATIENT, REPORT, "c", "t", null, null, null, "N", null);
        assertEquals(full, DocumentEntry.EMPTY.orElse(full));
        assertEquals(full, full.orElse(DocumentEntry.EMPTY));
    }

    @Test
    void anIdentityOverridesWhoAndWhichDocumentAndKeepsTheRestOfTheOther() {
        DocumentEntry declared = new DocumentEntry("u", null, REPORT, "c", "t", null, null, null, "N", null);
        Identifier other = new Identifier("1.2.250.1.213.1.4.8", "248039263001064");
        assertEquals(
                new DocumentEntry("u-own", other, REPORT, "c", "t", null, null, null, "N", null),
                DocumentEntry.identity("u-own", other).orElse(declared));
    }
}
