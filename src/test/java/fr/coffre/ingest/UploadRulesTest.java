package fr.coffre.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.Identifier;
import fr.coffre.extraction.ContentKind;
import fr.coffre.extraction.ContentSniffer;
import fr.coffre.extraction.ContentSniffer.Sniffed;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The upload path's rules, without a server: metadata resolution, media type policy, replacement. */
class UploadRulesTest {

    static final String NIR_TEST = "1.2.250.1.213.1.4.10";
    static final Identifier DOMINIQUE = new Identifier(NIR_TEST, "279035121518989");
    static final Identifier CAMILLE = new Identifier(NIR_TEST, "180057512345627");
    static final Code REPORT = new Code("11502-2", "2.16.840.1.113883.6.1", "CR d'examens biologiques");

    // --- metadata resolution ---

    @Test
    void whatTheProducerDeclaresIsCompletedByWhatTheContentSays() {
        var declared =
                declared(new DocumentEntry("u-1", DOMINIQUE, null, null, "Declared", null, null, null, null, null));
        var content = facts(
                new DocumentEntry(
                        "u-1",
                        null,
                        REPORT,
                        null,
                        "In the document",
                        OffsetDateTime.parse("2026-01-05T09:00:00+01:00"),
                        null,
                        null,
                        "N",
                        null),
                Optional.of(DOMINIQUE));
        DocumentEntry entry = ResolvedMetadata.resolve(declared, content).entry();
        assertEquals("Declared", entry.title());
        assertEquals(REPORT, entry.typeCode());
        assertEquals("N", entry.confidentiality());
        assertEquals(DOMINIQUE, entry.patient());
    }

    @Test
    void aDocumentIsNeverFiledUnderEitherOfTwoPatients() {
        var declared = declared(new DocumentEntry("u-1", DOMINIQUE, REPORT, null, null, null, null, null, null, null));
        assertRefused(
                ProblemType.PATIENT_CONFLICT,
                () -> ResolvedMetadata.resolve(declared, facts(DocumentEntry.EMPTY, Optional.of(CAMILLE))));
    }

    @Test
    void aPatientItsTypeAndAUniqueIdAreRequiredFromOneSideOrTheOther() {
        assertRefused(
                ProblemType.MISSING_PATIENT,
                () -> ResolvedMetadata.resolve(
                        declared(new DocumentEntry("u-1", null, REPORT, null, null, null, null, null, null, null)),
                        ContentFacts.NONE));
        assertRefused(
                ProblemType.INVALID_METADATA,
                () -> ResolvedMetadata.resolve(
                        declared(new DocumentEntry("u-1", DOMINIQUE, null, null, null, null, null, null, null, null)),
                        ContentFacts.NONE));
        assertRefused(
                ProblemType.INVALID_METADATA,
                () -> ResolvedMetadata.resolve(
                        declared(new DocumentEntry(null, DOMINIQUE, REPORT, null, null, null, null, null, null, null)),
                        ContentFacts.NONE));
    }

    @Test
    void anInsWhoseKeyDoesNotCheckIsRefused() {
        var wrongKey = new Identifier(NIR_TEST, "279035121518988");
        assertRefused(
                ProblemType.INVALID_INS,
                () -> ResolvedMetadata.resolve(
                        declared(new DocumentEntry("u-1", wrongKey, REPORT, null, null, null, null, null, null, null)),
                        ContentFacts.NONE));
    }

    @Test
    void theDeclaredUniqueIdMustBeTheDocumentsOwn() {
        var declared = declared(new DocumentEntry("u-1", DOMINIQUE, REPORT, null, null, null, null, null, null, null));
        assertRefused(
                ProblemType.INVALID_METADATA,
                () -> ResolvedMetadata.resolve(declared, facts(DocumentEntry.identity("u-2", null), Optional.empty())));
    }

    @Test
    void aServiceThatStopsBeforeItStartsIsRefused() {
        var declared = declared(new DocumentEntry(
                "u-1",
                DOMINIQUE,
                REPORT,
                null,
                null,
                null,
                OffsetDateTime.parse("2026-01-05T09:00:00Z"),
                OffsetDateTime.parse("2026-01-04T09:00:00Z"),
                null,
                null));
        assertRefused(ProblemType.INVALID_METADATA, () -> ResolvedMetadata.resolve(declared, ContentFacts.NONE));
    }

    // --- media type policy ---

    @Test
    void theDeclaredTypeMustBeAcceptedAndAgreeWithTheBytes() {
        Sniffed pdf = new Sniffed(ContentKind.PDF, "application/pdf");
        assertEquals(ContentKind.PDF, MediaTypePolicy.check("application/pdf", pdf));
        assertEquals("application/pdf", MediaTypePolicy.essence("Application/PDF; charset=binary"));
        assertRefused(ProblemType.UNSUPPORTED_MEDIA_TYPE, () -> MediaTypePolicy.check(null, pdf));
        assertRefused(ProblemType.UNSUPPORTED_MEDIA_TYPE, () -> MediaTypePolicy.check("application/zip", pdf));
        assertRefused(ProblemType.MEDIA_TYPE_MISMATCH, () -> MediaTypePolicy.check("image/png", pdf));
        assertRefused(
                ProblemType.MEDIA_TYPE_MISMATCH,
                () -> MediaTypePolicy.check("image/png", new Sniffed(ContentKind.IMAGE, "image/jpeg")));
    }

    @Test
    void xmlDeclaredAsCdaIsLeftToTheHeaderReaderWhenTheFirstBytesDoNotTell() {
        byte[] xml = "<?xml version=\"1.0\"?><root/>".getBytes(StandardCharsets.UTF_8);
        var sniffed = ContentSniffer.sniff(xml, xml.length);
        assertTrue(List.of(ContentKind.XML, ContentKind.CDA).contains(MediaTypePolicy.check("text/xml", sniffed)));
    }

    // --- replacement ---

    @Test
    void onlyTheProducersOwnLiveDocumentAboutTheSamePatientIsReplaced() {
        Document old = document("chu", DOMINIQUE, DocumentStatus.INDEXED);
        Document next = document("chu", DOMINIQUE, DocumentStatus.STORED);
        ReplacementRule.check("chu", Optional.of(old), next);
        assertRefused(ProblemType.REPLACEMENT_CONFLICT, () -> ReplacementRule.check("chu", Optional.empty(), next));
        assertRefused(ProblemType.REPLACEMENT_CONFLICT, () -> ReplacementRule.check("labo", Optional.of(old), next));
        assertRefused(
                ProblemType.REPLACEMENT_CONFLICT,
                () -> ReplacementRule.check(
                        "chu", Optional.of(document("chu", DOMINIQUE, DocumentStatus.SUPERSEDED)), next));
        assertRefused(
                ProblemType.REPLACEMENT_CONFLICT,
                () -> ReplacementRule.check(
                        "chu", Optional.of(document("chu", DOMINIQUE, DocumentStatus.DELETED)), next));
        assertRefused(
                ProblemType.REPLACEMENT_CONFLICT,
                () -> ReplacementRule.check(
                        "chu", Optional.of(document("chu", CAMILLE, DocumentStatus.INDEXED)), next));
    }

    private static DocumentMetadata declared(DocumentEntry entry) {
        return new DocumentMetadata(entry, null, null, null, null, null);
    }

    private static ContentFacts facts(DocumentEntry stated, Optional<Identifier> ins) {
        return new ContentFacts(stated, ins.map(List::of).orElse(List.of()), ins);
    }

    private static Document document(String producer, Identifier patient, DocumentStatus status) {
        return new Document(
                UUID.randomUUID(),
                producer,
                new DocumentEntry("u", patient, REPORT, null, null, null, null, null, null, null),
                "application/pdf",
                "0".repeat(64),
                1,
                "k",
                UUID.randomUUID(),
                UUID.randomUUID(),
                status,
                null,
                OffsetDateTime.now());
    }

    private static void assertRefused(ProblemType type, Runnable call) {
        ProblemException e = assertThrows(ProblemException.class, call::run);
        assertTrue(e.is(type), "expected " + type + ", got: " + e.getMessage());
    }
}
