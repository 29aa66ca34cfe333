package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;

/** The kinds the corpus lacks: plain text, RTF, office documents, bare archives. */
class DocumentExtractorKindsTest {

    private static final DocumentExtractor EXTRACTOR = DocumentExtractorCorpusTest.EXTRACTOR;

    @Test
    void readsPlainText() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(
                bytes("Compte rendu :\r\nTension   normale, à revoir.\n".getBytes(StandardCharsets.UTF_8)));

        assertEquals(ContentKind.TEXT, content.kind());
        assertEquals("Compte rendu : Tension normale, à revoir.", content.text());
    }

    @Test
    void readsRtf() throws IOException {
        ExtractedContent content = EXTRACTOR.extract(bytes(
                "{\\rtf1\\ansi{\\fonttbl\\f0\\fswiss Helvetica;}\\f0 Lettre de sortie\\par Traitement inchang\\'e9.\\par}"
                        .getBytes(StandardCharsets.US_ASCII)));

        assertEquals(ContentKind.RTF, content.kind());
        assertEquals("Lettre de sortie\nTraitement inchangé.", content.text());
    }

    @Test
    void readsAWordDocument() throws IOException {
        ByteArrayOutputStream docx = new ByteArrayOutputStream();
        try (XWPFDocument document = new XWPFDocument()) {
            document.createParagraph().createRun().setText("Compte rendu opératoire");
            document.createParagraph().createRun().setText("Suites simples.");
            document.getProperties().getCoreProperties().setTitle("CRO");
            document.write(docx);
        }

        ExtractedContent content = EXTRACTOR.extract(bytes(docx.toByteArray()));

        assertEquals(ContentKind.OFFICE, content.kind());
        assertEquals(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", content.detectedMediaType());
        assertEquals("Compte rendu opératoire\nSuites simples.", content.text());
        assertEquals("CRO", content.title());
        assertEquals(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                content.tikaMediaType(),
                "a zip container is told apart by Tika's detection");
    }

    @Test
    void tikaDetectionIsNotAskedWhenTheMagicBytesAreCertain() throws IOException {
        ExtractedContent pdf = EXTRACTOR.extract(bytes(Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf")));
        ExtractedContent jpeg = EXTRACTOR.extract(bytes(Corpus.bytes("img/OPH-CR-RTN_retinographie.jpg")));

        assertEquals(ContentKind.PDF, pdf.kind());
        assertNull(pdf.tikaMediaType());
        assertFalse(pdf.text().isBlank(), "parsed all the same");
        assertEquals(ContentKind.IMAGE, jpeg.kind());
        assertNull(jpeg.tikaMediaType());
        assertEquals("600", jpeg.properties().get("tiff:ImageWidth"));
    }

    @Test
    void readsAnOldExcelWorkbook() throws IOException {
        ByteArrayOutputStream xls = new ByteArrayOutputStream();
        try (HSSFWorkbook workbook = new HSSFWorkbook()) {
            var row = workbook.createSheet("Résultats").createRow(0);
            row.createCell(0).setCellValue("Glycémie");
            row.createCell(1).setCellValue("5,4 mmol/l");
            workbook.write(xls);
        }

        ExtractedContent content = EXTRACTOR.extract(bytes(xls.toByteArray()));

        assertEquals(ContentKind.OFFICE, content.kind());
        assertEquals("application/vnd.ms-excel", content.detectedMediaType());
        assertTrue(content.text().contains("Glycémie") && content.text().contains("5,4 mmol/l"), content.text());
    }

    @Test
    void quarantinesAnOfficeDocumentThatInflatesLikeABomb() throws IOException {
        ByteArrayOutputStream docx = new ByteArrayOutputStream();
        try (XWPFDocument document = new XWPFDocument()) {
            document.createParagraph().createRun().setText("a ".repeat(10_000_000));
            document.write(docx);
        }

        DocumentContentException e =
                assertThrows(DocumentContentException.class, () -> EXTRACTOR.extract(bytes(docx.toByteArray())));

        assertEquals(QuarantineReason.ZIP_BOMB, e.reason(), e.getMessage());
    }

    @Test
    void neverUnpacksABareZip() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("note.txt"));
            out.write("texte".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        DocumentContentException e =
                assertThrows(DocumentContentException.class, () -> EXTRACTOR.extract(bytes(zip.toByteArray())));

        assertEquals(QuarantineReason.UNSUPPORTED_TYPE, e.reason());
    }

    private static ByteArrayInputStream bytes(byte[] content) {
        return new ByteArrayInputStream(content);
    }
}
