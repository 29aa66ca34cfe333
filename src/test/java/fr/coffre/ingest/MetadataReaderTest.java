package fr.coffre.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.DocumentEntry;
import fr.coffre.document.Identifier;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Metadata is the entry's fields, flat, beside the upload's own; nothing unknown passes. */
@QuarkusTest
class MetadataReaderTest {

    @Inject
    MetadataReader reader;

    @Test
    void theEntrysFieldsAndTheUploadsOwnAreReadFromOneFlatObject() {
        UUID replaced = UUID.randomUUID();
        DocumentMetadata read = reader.metadata(json("""
                {"uniqueId": "1.2.3^CR-1", "patient": {"id": "279035121518989", "system": "1.2.250.1.213.1.4.10"},
                 "typeCode": {"code": "11502-2", "system": "2.16.840.1.113883.6.1"}, "title": "Compte rendu",
                 "creationTime": "2026-11-23T09:30:00+01:00", "mediaType": "application/pdf", "replaces": "%s",
                 "withheldFromPatient": true}""".formatted(replaced)));
        DocumentEntry entry = read.entry();
        assertEquals("1.2.3^CR-1", entry.uniqueId());
        assertEquals(new Identifier("1.2.250.1.213.1.4.10", "279035121518989"), entry.patient());
        assertEquals("11502-2", entry.typeCode().code());
        assertTrue(OffsetDateTime.parse("2026-11-23T09:30:00+01:00").isEqual(entry.creationTime()), "the same instant");
        assertEquals("application/pdf", read.mediaType());
        assertEquals(replaced, read.replaces());
        assertTrue(read.withheld());
        assertNull(read.part());
    }

    @Test
    void noMetadataAtAllIsAnEmptyEntry() {
        assertEquals(DocumentEntry.EMPTY, reader.metadata(json("{}")).entry());
    }

    @Test
    void anUnknownFieldIsRefusedByNameAtTheTopAndInsideAnObject() {
        assertRefused("{\"uniqeId\": \"typo\"}", "uniqeId");
        assertRefused(
                "{\"patient\": {\"id\": \"279035121518989\", \"system\": \"1.2.250.1.213.1.4.10\", \"nir\": \"x\"}}",
                "nir");
        ProblemException inManifest = assertThrows(
                ProblemException.class,
                () -> reader.manifest(json("[{\"part\": \"a\"}, {\"part\": \"b\", \"titel\": \"typo\"}]"), 10));
        assertTrue(inManifest.getMessage().contains("titel"), inManifest.getMessage());
    }

    @Test
    void aManifestIsCountedAsItIsReadAndRefusedAtTheFirstEntryTooMany() {
        // Three million empty entries: refused at the eleventh, not parsed whole into memory first.
        String many = "[" + "{},".repeat(3_000_000) + "{}]";
        ProblemException e = assertThrows(ProblemException.class, () -> reader.manifest(json(many), 10));
        assertTrue(e.is(ProblemType.REQUEST_TOO_LARGE), e.getMessage());
        assertEquals(
                2,
                reader.manifest(json("[{\"part\": \"a\"}, {\"part\": \"b\"}]"), 2)
                        .size());
        for (String notAList : new String[] {"{\"part\": \"a\"}", "[{\"part\": \"a\"}", "\"x\""}) {
            ProblemException refused = assertThrows(ProblemException.class, () -> reader.manifest(json(notAList), 10));
            assertTrue(refused.is(ProblemType.INVALID_METADATA), notAList + ": " + refused.getMessage());
        }
    }

    @Test
    void aPatientWithoutBothIdAndSystemIsRefusedSaying() {
        assertRefused("{\"patient\": {\"id\": \"279035121518989\"}}", "both id");
        assertRefused("{\"patient\": {\"system\": \"1.2.250.1.213.1.4.10\"}}", "both id");
    }

    @Test
    void everyComponentOfTheEntryIsAnAcceptedFieldSoAddingOneNeedsNoOtherList() {
        Set<String> expected = new HashSet<>();
        Arrays.stream(DocumentEntry.class.getRecordComponents()).forEach(c -> expected.add(c.getName()));
        Arrays.stream(DocumentMetadata.class.getRecordComponents())
                .filter(c -> c.getType() != DocumentEntry.class)
                .forEach(c -> expected.add(c.getName()));
        assertEquals(expected, MetadataReader.FIELDS);
    }

    private void assertRefused(String metadata, String detailHas) {
        ProblemException e = assertThrows(ProblemException.class, () -> reader.metadata(json(metadata)));
        assertTrue(e.is(ProblemType.INVALID_METADATA), e.getMessage());
        assertTrue(e.getMessage().contains(detailHas), e.getMessage());
    }

    private static ByteArrayInputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
