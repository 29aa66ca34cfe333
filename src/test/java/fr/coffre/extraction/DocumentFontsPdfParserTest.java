package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.pdf.PDFParser;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.sax.BodyContentHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentFontsPdfParserTest {

    @Test
    void aFontStaysInTheDocumentsCacheWhenAPageIsDoneWithIt() {
        var cache = new DocumentFontsPdfParser.DocumentFontCache();
        COSObject indirect = new COSObject(new COSDictionary());
        PDFont font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        cache.put(indirect, font);

        assertNull(cache.removeFont(indirect), "nothing removed");

        assertSame(font, cache.getFont(indirect));
    }

    @Test
    void theDocumentsItOpensKeepTheirFonts() throws Exception {
        var parser = new DocumentFontsPdfParser();
        try (TikaInputStream in = TikaInputStream.get(Corpus.file("pdf/HL7-CCDA_UD_sample.pdf"));
                PDDocument document = parser.getPDDocument(in, in, null, null, new Metadata(), new ParseContext())) {
            assertTrue(document.getNumberOfPages() > 1, "a document of several pages");
            assertInstanceOf(DocumentFontsPdfParser.DocumentFontCache.class, document.getResourceCache());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "pdf/CR-BIO_TSH_rendition.pdf",
                "pdf/CR-BIO_Microbiologie_rendition.pdf",
                "pdf/HL7-CCDA_lab-result_164947.pdf",
                "pdf/eP-MED_ordonnance_rendition.pdf",
                "pdf/DLU-EHPAD_attachment.pdf",
                "pdf/HL7-CCDA_UD_sample.pdf"
            })
    void itExtractsTheTextTikasOwnParserDoes(String file) throws Exception {
        String ours = text(new DocumentFontsPdfParser(), file);

        assertTrue(ours.length() > 100, ours);
        assertEquals(text(new PDFParser(), file), ours);
    }

    private static String text(PDFParser parser, String file) throws Exception {
        PDFParserConfig config = new PDFParserConfig();
        config.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
        parser.setPDFParserConfig(config);
        BodyContentHandler text = new BodyContentHandler(-1);
        ParseContext context = new ParseContext();
        context.set(Parser.class, parser);
        try (TikaInputStream in = TikaInputStream.get(Corpus.file(file))) {
            parser.parse(in, text, new Metadata(), context);
        }
        return text.toString();
    }
}
