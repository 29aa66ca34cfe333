package fr.coffre.extraction;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.DocumentStatus;
import fr.coffre.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and oversized input: every extraction ends, within its limits, with a clear outcome. */
class DocumentExtractorLimitsTest {

    private static final DocumentExtractor EXTRACTOR = DocumentExtractorCorpusTest.EXTRACTOR;

    @TempDir
    Path tmp;

    // --- level-3 CDA: base64 is never indexed ---

    @Test
    void indexesTheNarrativeOfALevelThreeCdaButNeverItsBase64() throws IOException {
        byte[] blob = new byte[30_000];
        new Random(42).nextBytes(blob);
        String payload = Base64.getEncoder().encodeToString(blob);
        String wrapped = Base64.getMimeEncoder().encodeToString(blob);
        String cda = """
                <ClinicalDocument xmlns="urn:hl7-org:v3">
                  <recordTarget><patientRole><id root="1.2.250.1.213.1.4.10" extension="279035121518989"/></patientRole></recordTarget>
                  <component><structuredBody>
                    <component><section>
                      <code code="30954-2"/>
                      <title>Résultats</title>
                      <text>
                        <paragraph>Hémoglobine <content styleCode="Bold">13,5 g/dl</content></paragraph>
                        <table><tbody><tr><td>Plaquettes</td><td>250 G/l</td></tr></tbody></table>
                        <list><item>Contrôle dans 3 mois</item></list>
                        <paragraph>%s</paragraph>
                        <renderMultiMedia referencedObject="img1"/>
                      </text>
                      <entry><observationMedia ID="img1">
                        <value mediaType="application/pdf" representation="B64">%s</value>
                      </observationMedia></entry>
                      <entry><observation><value xsi:type="ED" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                        representation="B64">%s</value></observation></entry>
                    </section></component>
                  </structuredBody></component>
                </ClinicalDocument>
                """.formatted(wrapped, payload, payload);

        ExtractedContent content = EXTRACTOR.extract(utf8(cda));

        assertEquals("3", content.properties().get("cda.level"));
        assertEquals("Résultats\nHémoglobine 13,5 g/dl\nPlaquettes 250 G/l\nContrôle dans 3 mois", content.text());
        assertFalse(
                DocumentExtractorCorpusTest.BASE64_RUN.matcher(content.text()).find());
        assertTrue(
                content.warnings()
                        .contains(
                                "2 base64 object(s) in the CDA body (observationMedia and the like) were not indexed"),
                content.warnings().toString());
    }

    @Test
    void decodesALevelOneBodyAsAStreamAndReadsItsPdf() throws IOException {
        byte[] pdf = Files.readAllBytes(Corpus.file("pdf/TLM-CR_rendition.pdf"));
        String cda = """
                <ClinicalDocument xmlns="urn:hl7-org:v3">
                  <component><nonXMLBody>
                    <text mediaType="application/pdf" representation="B64">%s</text>
                  </nonXMLBody></component>
                </ClinicalDocument>
                """.formatted(Base64.getMimeEncoder().encodeToString(pdf));

        ExtractedContent content = EXTRACTOR.extract(utf8(cda));

        assertEquals("1", content.properties().get("cda.level"));
        assertEquals(String.valueOf(pdf.length), content.properties().get("payload.1.size"));
        assertTrue(content.text().contains("téléconsultation") || content.text().length() > 100, content.text());
    }

    @Test
    void flagsALevelOneBodyWhoseDeclaredTypeIsNotItsContent() throws IOException {
        byte[] png = Files.readAllBytes(Corpus.file("img/eP-MED_logo.png"));
        String cda = """
                <ClinicalDocument xmlns="urn:hl7-org:v3"><component><nonXMLBody>
                  <text mediaType="image/jpeg" representation="B64">%s</text>
                </nonXMLBody></component></ClinicalDocument>
                """.formatted(Base64.getEncoder().encodeToString(png));

        ExtractedContent content = EXTRACTOR.extract(utf8(cda));

        assertEquals("", content.text(), "images: metadata only");
        assertEquals("image/png", content.properties().get("payload.1.mediaType"));
        assertTrue(
                content.warnings().contains("the CDA nonXMLBody is declared image/jpeg but its bytes are image/png"),
                content.warnings().toString());
    }

    @Test
    void neverFetchesAnExternalLevelOneBody() throws IOException {
        String cda = """
                <ClinicalDocument xmlns="urn:hl7-org:v3"><component><nonXMLBody>
                  <text mediaType="application/pdf"><reference value="file:///etc/passwd"/></text>
                </nonXMLBody></component></ClinicalDocument>
                """;

        ExtractedContent content = EXTRACTOR.extract(utf8(cda));

        assertEquals("", content.text());
        assertTrue(
                content.warnings().contains("the CDA nonXMLBody refers to an external file, which is never fetched"));
    }

    @Test
    void refusesALevelOneBodyThatInflatesBeyondTheBudget() {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(compressed)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 16; i++) {
                gzip.write(zeros);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String cda = """
                <ClinicalDocument xmlns="urn:hl7-org:v3"><component><nonXMLBody>
                  <text mediaType="text/plain" representation="B64" compression="GZ">%s</text>
                </nonXMLBody></component></ClinicalDocument>
                """.formatted(Base64.getEncoder().encodeToString(compressed.toByteArray()));
        try (DocumentExtractor small =
                new DocumentExtractor(ExtractionLimits.defaults().withMaxEmbeddedBytes(1 << 20))) {
            DocumentContentException e = assertThrows(DocumentContentException.class, () -> small.extract(utf8(cda)));

            assertEquals(QuarantineReason.ZIP_BOMB, e.reason(), e.getMessage());
        }
    }

    // --- XML and JSON structure ---

    @Test
    void refusesA100000DeepCdaQuickly() {
        String deep = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><structuredBody>" + "<a>".repeat(100_000)
                + "</a>".repeat(100_000) + "</structuredBody></component></ClinicalDocument>";

        DocumentContentException e = assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(DocumentContentException.class, () -> EXTRACTOR.extract(utf8(deep))));

        assertEquals(QuarantineReason.TOO_DEEP, e.reason());
    }

    @Test
    void refusesDeeplyNestedFhirJson() {
        String deep =
                "{\"resourceType\": \"DocumentReference\", \"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        DocumentContentException e = assertThrows(DocumentContentException.class, () -> EXTRACTOR.extract(utf8(deep)));

        assertEquals(QuarantineReason.TOO_DEEP, e.reason(), e.getMessage());
    }

    @Test
    void refusesXmlThatIsNeitherCdaNorFhir() {
        DocumentContentException e = assertThrows(
                DocumentContentException.class,
                () -> EXTRACTOR.extract(utf8("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>x</body></html>")));

        assertEquals(QuarantineReason.UNSUPPORTED_TYPE, e.reason());
    }

    // --- FHIR text ---

    @Test
    void aNarrativeOfUnclosedTagsIsReadInLinearTimeNotUntilTheDeadline() throws IOException {
        // Issue 14, item 3: 400,000 '<' after the div made a regular expression run for ever.
        String json = """
                {"resourceType": "DocumentReference",
                 "subject": {"identifier": {"system": "urn:oid:1.2.250.1.213.1.4.10", "value": "279035121518989"}},
                 "text": {"status": "generated", "div": "<div xmlns=\\"http://www.w3.org/1999/xhtml\\">%s"}}
                """.formatted("<".repeat(400_000));
        ExtractedContent content = EXTRACTOR.extract(utf8(json));
        assertEquals(ContentKind.FHIR_JSON, content.kind());
        assertEquals(0, EXTRACTOR.abandonedParsesRunning(), "no parse left running");
    }

    @Test
    void readsFhirAttachmentsWhateverTheOrderOfTheirFields() throws IOException {
        String pdf = Base64.getEncoder().encodeToString(Files.readAllBytes(Corpus.file("pdf/TLM-CR_rendition.pdf")));
        String note = Base64.getEncoder()
                .encodeToString("Patient vu en consultation, tension normale.".getBytes(StandardCharsets.UTF_8));
        String json = """
                {"resourceType": "DocumentReference",
                 "subject": {"identifier": {"system": "urn:oid:1.2.250.1.213.1.4.10", "value": "279035121518989"}},
                 "description": "Compte rendu",
                 "text": {"status": "generated", "div": "<div xmlns=\\"http://www.w3.org/1999/xhtml\\"><p>Résumé&nbsp;<b>court</b></p></div>"},
                 "contained": [{"resourceType": "Patient", "text": {"div": "<div>Adresse du patient</div>"}}],
                 "content": [
                   {"attachment": {"data": "%s", "contentType": "text/plain", "title": "Note"}},
                   {"attachment": {"contentType": "application/pdf", "data": "%s"}},
                   {"attachment": {"contentType": "application/zip", "data": "UEsDBAoAAAAAAA=="}}]}
                """.formatted(note, pdf);

        ExtractedContent content = EXTRACTOR.extract(utf8(json));

        assertEquals(ContentKind.FHIR_JSON, content.kind());
        assertTrue(content.text().startsWith("Compte rendu\nRésumé court\n"), content.text());
        assertTrue(content.text().contains("Patient vu en consultation, tension normale."), content.text());
        assertTrue(content.text().contains("Note"), content.text());
        assertFalse(content.text().contains("Adresse du patient"), "a patient's narrative is not the document's text");
        assertEquals("application/pdf", content.properties().get("payload.2.mediaType"));
        assertTrue(content.text().length() > 200, "the PDF's text is there too");
        assertTrue(
                content.warnings().stream().anyMatch(w -> w.contains("application/zip")),
                content.warnings().toString());
    }

    @Test
    void readsFhirXmlAttachmentsAndNarratives() throws IOException {
        String note = Base64.getEncoder().encodeToString("Texte joint".getBytes(StandardCharsets.UTF_8));
        String xml = """
                <DocumentReference xmlns="http://hl7.org/fhir">
                  <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Compte <i>rendu</i></p><p>de consultation</p></div></text>
                  <contained><Patient><text><div xmlns="http://www.w3.org/1999/xhtml">Adresse</div></text></Patient></contained>
                  <description value="Lettre"/>
                  <content><attachment><contentType value="text/plain"/><data value="%s"/><title value="Pièce"/></attachment></content>
                </DocumentReference>
                """.formatted(note);

        ExtractedContent content = EXTRACTOR.extract(utf8(xml));

        assertEquals(ContentKind.FHIR_XML, content.kind());
        assertEquals("Compte rendu\nde consultation\nLettre\nPièce\nTexte joint", content.text());
    }

    // --- Tika: encrypted, corrupt, truncation, timeouts ---

    @Test
    void quarantinesAnEncryptedPdf() throws IOException {
        Path pdf = tmp.resolve("encrypted.pdf");
        try (PDDocument document = pdfWithPages(1)) {
            document.protect(new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission()));
            document.save(pdf.toFile());
        }

        DocumentContentException e = assertThrows(DocumentContentException.class, () -> EXTRACTOR.extract(pdf));

        assertEquals(QuarantineReason.ENCRYPTED, e.reason(), e.getMessage());
        assertEquals(DocumentStatus.QUARANTINED, e.reason().status());
    }

    @Test
    void cutsTheTextAtTheLimitAndSaysSo() throws IOException {
        try (DocumentExtractor small =
                new DocumentExtractor(ExtractionLimits.defaults().withMaxTextChars(200))) {
            ExtractedContent pdf = small.extract(Corpus.file("pdf/HL7-CCDA_UD_sample.pdf"));
            ExtractedContent cda = small.extract(Corpus.file("cda/LDL-SES_2022.01.xml"));

            for (ExtractedContent content : List.of(pdf, cda)) {
                assertTrue(content.textTruncated());
                assertEquals(200, content.text().length());
                assertTrue(content.warnings().contains("the text was cut at the limit of 200 characters"));
            }
            assertEquals(
                    "Lettre de liaison à la sortie de l'établissement de santé", cda.title(), "metadata is complete");
        }
    }

    @Test
    void abandonsAParseThatRunsPastTheDeadline() throws IOException {
        Path big = tmp.resolve("big.pdf");
        try (PDDocument document = pdfWithPages(400)) {
            document.save(big.toFile());
        }
        // Parsed in full first: PDFBox's classes and the file are then loaded, so the short deadline
        // below is spent parsing, which is what makes it a parse timeout and not a slowed parse.
        ExtractedContent whole = EXTRACTOR.extract(big);
        assertTrue(whole.text().length() > 10_000, "the same PDF parses in full without the short deadline");

        try (DocumentExtractor hasty =
                new DocumentExtractor(ExtractionLimits.defaults().withParseTimeout(Duration.ofMillis(100)))) {
            List<String> slowed = new ArrayList<>();
            DocumentContentException e = null;
            // A machine too busy to give the parse a quarter of its deadline gets a retry, not a
            // verdict (ExtractionSlowedException); the worker retries it, and so does this test.
            while (e == null && slowed.size() < 5) {
                long start = System.nanoTime();
                try {
                    hasty.extract(big);
                    throw new AssertionError("the 400-page PDF was parsed within 100 ms");
                } catch (ExtractionSlowedException busy) {
                    slowed.add(busy.getMessage());
                } catch (DocumentContentException timedOut) {
                    e = timedOut;
                }
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                assertTrue(elapsed < 1_000, "abandoned at the deadline, not when the parse ends: " + elapsed + " ms");
                awaitNoAbandonedParse(hasty);
            }

            assertNotNull(e, "never given the CPU for a quarter of the deadline: " + slowed);
            assertEquals(QuarantineReason.PARSE_TIMEOUT, e.reason());
        }
    }

    @Test
    void abandonsAReadThatNeverEnds() {
        try (DocumentExtractor hasty =
                new DocumentExtractor(ExtractionLimits.defaults().withParseTimeout(Duration.ofMillis(300)))) {
            // A network stream that delivers a byte now and then, forever; it fails once closed or interrupted.
            InputStream trickle = new InputStream() {
                private volatile boolean closed;

                @Override
                public int read() throws IOException {
                    if (closed) {
                        throw new IOException("closed");
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("interrupted");
                    }
                    return '%';
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    if (length == 0) {
                        return 0;
                    }
                    int b = read();
                    buffer[offset] = (byte) b;
                    return 1;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };

            DocumentContentException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(3),
                    () -> assertThrows(DocumentContentException.class, () -> hasty.extract(trickle)));

            assertEquals(QuarantineReason.PARSE_TIMEOUT, e.reason());
            awaitNoAbandonedParse(hasty);
        }
    }

    @Test
    void refusesNewWorkWhileTooManyAbandonedParsesRun() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        ExtractionLimits limits = ExtractionLimits.defaults()
                .withParseTimeout(Duration.ofMillis(200))
                .withMaxAbandonedParses(0);
        try (DocumentExtractor extractor = new DocumentExtractor(limits)) {
            InputStream stuck = new InputStream() {
                @Override
                public int read() {
                    // ignores interruption and close, as a parser stuck in a loop would
                    while (true) {
                        try {
                            release.await();
                            return -1;
                        } catch (InterruptedException e) {
                            // keep waiting
                        }
                    }
                }
            };
            DocumentContentException e = assertThrows(DocumentContentException.class, () -> extractor.extract(stuck));
            assertEquals(QuarantineReason.PARSE_TIMEOUT, e.reason());
            assertEquals(1, extractor.abandonedParsesRunning());

            assertThrows(
                    ExtractionUnavailableException.class,
                    () -> extractor.extract(Corpus.file("pdf/TLM-CR_rendition.pdf")));

            release.countDown();
            awaitNoAbandonedParse(extractor);
            // Work is taken again; a small text keeps the check clear of the 200 ms deadline, which
            // a first, cold PDF parse can exceed.
            assertEquals(
                    "back to work",
                    extractor
                            .extract(new ByteArrayInputStream("back to work".getBytes(StandardCharsets.UTF_8)))
                            .text());
        }
    }

    @Test
    void boundsArchivesNestedInDocumentsEvenWhenAskedToUnpackThem() throws IOException {
        ExtractionLimits limits = ExtractionLimits.defaults();
        try (DocumentExtractor unpacking = new DocumentExtractor(limits, new TikaEngine(limits, true))) {
            Path bomb = Corpus.file("bad/nested-zip-bomb_DO-NOT-UNZIP.zip");
            long start = System.nanoTime();

            DocumentContentException e = assertThrows(
                    DocumentContentException.class,
                    () -> unpacking.parseWithTika(bomb, new TextCollector(limits.maxTextChars())));

            assertEquals(QuarantineReason.ZIP_BOMB, e.reason(), e.getMessage());
            assertTrue(
                    (System.nanoTime() - start) / 1_000_000 < 5_000,
                    "stopped at the nesting limit, not by the deadline");
        }
    }

    @Test
    void refusesADocumentLargerThanTheLimit() {
        try (DocumentExtractor small =
                new DocumentExtractor(ExtractionLimits.defaults().withMaxDocumentBytes(1000))) {
            DocumentContentException e = assertThrows(
                    DocumentContentException.class, () -> small.extract(Corpus.open("pdf/TLM-CR_rendition.pdf")));

            assertEquals(QuarantineReason.TOO_LARGE, e.reason());
        }
    }

    private static void awaitNoAbandonedParse(DocumentExtractor extractor) {
        await("the abandoned thread ended")
                .atMost(Duration.ofSeconds(10))
                .until(() -> extractor.abandonedParsesRunning() == 0);
    }

    static PDDocument pdfWithPages(int pages) throws IOException {
        PDDocument document = new PDDocument();
        PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        for (int p = 0; p < pages; p++) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(font, 10);
                content.newLineAtOffset(40, 750);
                for (int line = 0; line < 60; line++) {
                    content.showText("Page " + p + " ligne " + line + " compte rendu de biologie medicale");
                    content.newLineAtOffset(0, -12);
                }
                content.endText();
            }
        }
        return document;
    }

    private static InputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
