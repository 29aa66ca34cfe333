package fr.coffre.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class GeneratedPdfStreamTest {

    @Test
    void aGeneratedPdfHasTheExactSizeAndParsesWithItsOwnCrossReferences() throws Exception {
        for (long size : new long[] {4_000, 123_457, 1_000_000, 3_333_333}) {
            byte[] bytes = new GeneratedPdfStream(size, "Coffre (test)").readAllBytes();
            assertEquals(size, bytes.length);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("%PDF-1.4\n"));
            assertTrue(text.endsWith("\n%%EOF\n"));
            Matcher startxref = Pattern.compile("startxref\n(\\d+)\n%%EOF\n$").matcher(text);
            assertTrue(startxref.find());
            assertTrue(text.startsWith("xref\n", Integer.parseInt(startxref.group(1))), "startxref points at the xref table");
            try (PDDocument pdf = Loader.loadPDF(bytes)) {
                assertEquals(1, pdf.getNumberOfPages());
                assertTrue(new PDFTextStripper().getText(pdf).contains("Coffre test"));
            }
        }
    }

    @Test
    void sizesPastTwoGigabytesAreCountedInLongs() throws Exception {
        long size = (2L << 30) + 17;
        GeneratedPdfStream stream = new GeneratedPdfStream(size, "big");
        assertEquals(size, stream.size());
        assertEquals(8 * 1024, stream.skip(8 * 1024));
    }
}
