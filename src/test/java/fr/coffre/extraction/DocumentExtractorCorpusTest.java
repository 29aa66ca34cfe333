package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.DocumentStatus;
import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of the shared corpus through the extractor, checked against manifest.tsv. */
class DocumentExtractorCorpusTest {

    /** Longer than any base64 line (MIME wraps at 76, PEM at 64): no word is this long. */
    static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/=]{64,}");

    private static final Duration PROMPTLY = Duration.ofSeconds(30);
    /** A valid INS-NIR (test) for documents that name no patient themselves, as producers declare. */
    private static final Identifier SAMPLE_INS = new Identifier(Ins.NIR_TEST, "279035121518989");

    /** Shared by the test classes of this package and never closed: its threads are daemons. */
    static final DocumentExtractor EXTRACTOR = new DocumentExtractor();

    static Stream<Corpus.Row> goodRows() {
        return Corpus.rows(file -> !file.startsWith("bad/")).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodRows")
    void extractsWhatTheManifestListsFromEachGoodFile(Corpus.Row row) throws IOException {
        ExtractedContent content = assertTimeoutPreemptively(PROMPTLY, () -> EXTRACTOR.extract(row.path()));

        assertEquals(expectedKind(row.file()), content.kind());
        if (Corpus.Row.applies(row.patientId())) {
            Identifier expected = new Identifier(Ins.stripUrnOid(row.patientIdSystem()), row.patientId());
            assertTrue(
                    content.patientIds().contains(expected),
                    content.patientIds().toString());
            if (Ins.isInsSystem(row.patientIdSystem())) {
                assertEquals(Optional.of(expected), content.ins(), "the INS is picked by its OID");
            } else {
                assertEquals(Optional.empty(), content.ins());
            }
        } else {
            assertEquals(List.of(), content.patientIds());
        }
        if (Corpus.Row.applies(row.docCode())) {
            assertEquals(row.docCode(), content.code().code());
            assertEquals(row.docCodeSystem(), content.code().codeSystem());
        }
        if (Corpus.Row.applies(row.effectiveTime())) {
            if (content.kind() == ContentKind.CDA) {
                assertEquals(row.effectiveTime(), content.effectiveTime(), "copied exactly as written");
                assertEquals(Hl7Time.parse(row.effectiveTime()), content.effectiveDateTime());
            } else {
                assertEquals(OffsetDateTime.parse(row.effectiveTime()), content.effectiveDateTime());
                assertEquals(row.effectiveTime(), content.effectiveTime());
            }
        }
        if (Corpus.Row.applies(row.title())) {
            assertEquals(Corpus.collapseWhitespace(row.title()), content.title());
        }
        if (row.observedTikaChars() > 0 && !imageOnly(row)) {
            assertFalse(content.text().isBlank(), "Tika saw text in this file, so must we");
        }
        if (content.kind() == ContentKind.IMAGE) {
            assertEquals("", content.text(), "images: metadata only");
            assertEquals(row.mediaType(), content.detectedMediaType());
            assertTrue(
                    content.properties().containsKey("tiff:ImageWidth"),
                    content.properties().toString());
        }
        assertFalse(BASE64_RUN.matcher(content.text()).find(), "no base64 in the text");
        assertFalse(content.textTruncated());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodRows")
    void filesEachGoodFileUnderItsPatientOrRefusesAnInvalidIns(Corpus.Row row) throws IOException {
        ExtractedContent content = EXTRACTOR.extract(row.path());
        Identifier declared = Ins.isInsSystem(row.patientIdSystem())
                ? new Identifier(Ins.stripUrnOid(row.patientIdSystem()), row.patientId())
                : SAMPLE_INS;

        ConsistencyCheck.Report report =
                ConsistencyCheck.check(new ConsistencyCheck.Declared(declared, null, row.mediaType()), content);

        if (row.expected().startsWith("REJECT 422 invalid INS")) {
            assertEquals(Optional.of(QuarantineReason.INVALID_INS), report.quarantine(), report.detail());
        } else {
            assertTrue(row.expected().startsWith("accept"), row.expected());
            assertEquals(Optional.empty(), report.quarantine(), report.detail());
        }
        assertFalse(
                report.mediaTypeDiffers(), "declared " + row.mediaType() + ", detected " + content.detectedMediaType());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levelOneRenditions")
    void readsTheTextOfALevelOneCdaFromItsEmbeddedFile(String cda, String rendition) throws IOException {
        ExtractedContent fromCda = EXTRACTOR.extract(Corpus.file(cda));
        ExtractedContent fromPdf = EXTRACTOR.extract(Corpus.file(rendition));

        assertEquals("1", fromCda.properties().get("cda.level"));
        assertEquals("application/pdf", fromCda.properties().get("payload.1.mediaType"));
        assertFalse(fromPdf.text().isBlank());
        assertTrue(fromCda.text().contains(fromPdf.text()), "the embedded PDF's text is the CDA's text");
    }

    static Stream<Arguments> levelOneRenditions() {
        return Stream.of(
                Arguments.of("cda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml", "pdf/CR-IMG_N1_rendition.pdf"),
                Arguments.of("cda/TLM-CR_2022.01.xml", "pdf/TLM-CR_rendition.pdf"),
                Arguments.of("cda/HL7-CCDA_Unstructured_Document_embedded_PDF.xml", "pdf/HL7-CCDA_UD_sample.pdf"));
    }

    @Test
    void readsAnImageOnlyLevelOneCdaWithoutText() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(Corpus.file("cda/BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml"));

        assertEquals("1", content.properties().get("cda.level"));
        assertEquals("application/pdf", content.properties().get("payload.1.mediaType"));
        assertTrue(content.text().strip().length() < 100, "an image-only PDF has (almost) no text layer");
    }

    @Test
    void readsAPlainTextLevelOneBody() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(Corpus.file("cda/HL7-CCDA_Unstructured_Embedded_Text_Plain.xml"));

        assertEquals("text/plain", content.properties().get("payload.1.mediaType"));
        assertTrue(content.text().length() > 100, content.text());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levelThreeWithEmbeddedFiles")
    void neverIndexesTheBase64FilesOfALevelThreeCda(String file) throws IOException {
        ExtractedContent content = EXTRACTOR.extract(Corpus.file(file));

        assertEquals("3", content.properties().get("cda.level"));
        assertTrue(content.text().length() > 100, content.text());
        assertFalse(content.text().contains("JVBERi0"), "no base64 PDF");
        assertFalse(content.text().contains("iVBORw0KGgo"), "no base64 PNG");
        assertFalse(BASE64_RUN.matcher(content.text()).find());
        assertTrue(
                content.warnings().stream().anyMatch(w -> w.contains("base64 object")),
                content.warnings().toString());
    }

    static Stream<String> levelThreeWithEmbeddedFiles() {
        return Stream.of(
                "cda/BIO-CR-BIO_2024.01_TSH_1.xml",
                "cda/BIO-CR-BIO_2023.01_Electrophorese.xml",
                "cda/IPS-FR_2024.01.xml",
                "cda/IMG_CR_IMG_2024.01.xml");
    }

    @Test
    void indexesSectionTitlesAndNarrativeOfALevelThreeCda() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(Corpus.file("cda/HL7-CDA-core_cda-original.xml"));

        assertEquals("3", content.properties().get("cda.level"));
        assertTrue(content.text().contains("History of Present Illness"), content.text());
        assertTrue(content.text().contains("Henry Levin, the 7th is a 67 year old male"), content.text());
    }

    @Test
    void indexesTheNarrativeOfFhirDocuments() throws IOException {
        ExtractedContent bundle = EXTRACTOR.extract(Corpus.file("fhir/Bundle-example-annexe-fhir-document.json"));
        ExtractedContent xml =
                EXTRACTOR.extract(Corpus.file("fhir/DocumentReference-example-td3-1a-cr-consultation.xml"));

        assertEquals("Synthèse patient 20/11/2024\nSynthèse\nContenu de synthèse (exemple).", bundle.text());
        assertFalse(xml.text().contains("<"), xml.text());
        assertTrue(xml.text().contains("CR Consultation 20/11/2024"), xml.text());
    }

    // --- hostile files: the outcome each row of bad/ requires of the worker ---

    /**
     * For files the upload endpoint refuses (most of bad/), the worker must still never index them
     * if they reach it; for those it accepts (the truncated PDF, the traversal-named CDA), the
     * outcome is the one the row states.
     */
    private static final Map<String, QuarantineReason> HOSTILE = Map.of(
            "bad/malformed.xml", QuarantineReason.MALFORMED_XML,
            "bad/truncated.pdf", QuarantineReason.CORRUPT,
            "bad/zero-byte.pdf", QuarantineReason.EMPTY,
            "bad/nested-zip-bomb_DO-NOT-UNZIP.zip", QuarantineReason.UNSUPPORTED_TYPE,
            "bad/xxe-file-etc-passwd.xml", QuarantineReason.DOCTYPE_FORBIDDEN,
            "bad/billion-laughs.xml", QuarantineReason.DOCTYPE_FORBIDDEN,
            "bad/elf-executable-disguised.pdf", QuarantineReason.UNSUPPORTED_TYPE,
            "bad/cda-declared-utf8-but-latin1-bytes.xml", QuarantineReason.INVALID_ENCODING);

    static Stream<Corpus.Row> hostileRows() {
        return Corpus.rows(HOSTILE::containsKey).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRows")
    void endsEachHostileFileInTheOutcomeItsRowRequires(Corpus.Row row) {
        DocumentContentException e = assertTimeoutPreemptively(
                PROMPTLY, () -> assertThrows(DocumentContentException.class, () -> EXTRACTOR.extract(row.path())));

        assertEquals(HOSTILE.get(row.file()), e.reason(), e.getMessage());
        assertFalse(e.getMessage().contains("root:"), "no file content in the reason");
        assertFalse(e.getMessage().contains("lol"), "no file content in the reason");
        if (row.file().equals("bad/truncated.pdf")) {
            // "accept with extraction status failed and NO text"
            assertEquals(DocumentStatus.FAILED, e.reason().status());
        } else {
            assertTrue(row.expected().contains("REJECT"), row.expected());
            assertEquals(DocumentStatus.QUARANTINED, e.reason().status());
        }
    }

    @Test
    void everyHostileRowIsCovered() {
        long rows = Corpus.rows(file -> file.startsWith("bad/")).size();
        assertEquals(rows, HOSTILE.size() + 3, "8 refused outright, 3 CDAs judged by the consistency check");
    }

    @Test
    void quarantinesACdaWithoutPatientIdentifier() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(Corpus.file("bad/cda-missing-patient-id.xml"));

        assertEquals("87273-9", content.code().code());
        assertEquals("NOTE DE VACCINATION", content.title());
        ConsistencyCheck.Report report =
                ConsistencyCheck.check(new ConsistencyCheck.Declared(null, null, null), content);
        assertEquals(Optional.of(QuarantineReason.MISSING_PATIENT_ID), report.quarantine());
        // "must NOT fall back to name matching or attach to another patient", even a declared one
        ConsistencyCheck.Report declared =
                ConsistencyCheck.check(new ConsistencyCheck.Declared(SAMPLE_INS, null, null), content);
        assertEquals(Optional.of(QuarantineReason.MISSING_PATIENT_ID), declared.quarantine());
    }

    @Test
    void decodesIso88591ButRefusesItsInvalidIns() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(Corpus.file("bad/cda-iso-8859-1-encoding.xml"));

        assertEquals("Carnet de santé de l'enfant - Mesures de l'enfant", content.title());
        assertEquals(Optional.of(new Identifier(Ins.NIR, "222127505611201")), content.ins());
        ConsistencyCheck.Report report =
                ConsistencyCheck.check(new ConsistencyCheck.Declared(null, null, null), content);
        assertEquals(Optional.of(QuarantineReason.INVALID_INS), report.quarantine());
    }

    @Test
    void indexesTheCdaWhoseFileNameIsATraversal() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(Corpus.file("bad/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd.xml"));

        assertEquals(Optional.of(SAMPLE_INS), content.ins());
        assertEquals("96173-0", content.code().code());
        assertEquals("20240106113623+0100", content.effectiveTime());
        assertFalse(content.text().isBlank());
        ConsistencyCheck.Report report =
                ConsistencyCheck.check(new ConsistencyCheck.Declared(null, null, null), content);
        assertEquals(Optional.empty(), report.quarantine());
    }

    @Test
    void neverReadsTheFileAnXxeNames() throws IOException {
        try (InputStream in = Corpus.open("bad/xxe-file-etc-passwd.xml")) {
            DocumentContentException e = assertThrows(DocumentContentException.class, () -> EXTRACTOR.extract(in));

            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains("root:"), "/etc/passwd never read");
            }
        }
    }

    private static ContentKind expectedKind(String file) {
        if (file.startsWith("cda/")) {
            return ContentKind.CDA;
        }
        if (file.startsWith("fhir/")) {
            return file.endsWith(".json") ? ContentKind.FHIR_JSON : ContentKind.FHIR_XML;
        }
        if (file.startsWith("pdf/")) {
            return ContentKind.PDF;
        }
        return ContentKind.IMAGE;
    }

    /** The manifest's notes on documents whose (embedded) PDF has no text layer. */
    private static boolean imageOnly(Corpus.Row row) {
        return row.expected().toLowerCase(Locale.ROOT).contains("image-only");
    }
}
