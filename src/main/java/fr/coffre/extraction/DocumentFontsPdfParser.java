package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.io.RandomAccessStreamCache;
import org.apache.pdfbox.pdmodel.DefaultResourceCache;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.pdf.PDFParser;

/**
 * Tika's PDF parser, whose documents parse each of their fonts once rather than once per page.
 * PDFBox 3 drops a page's fonts from the document's cache once the page is done, so a report of
 * three pages parses its embedded TrueType programs three times (their GSUB tables included, which
 * text extraction never uses): fonts were a fifth of a PDF's extraction, and keeping them for the
 * whole document took an eighth off it (docs/benchmarks.md, session 23). They are held by soft
 * references, as PDFBox holds them, so the collector can still take them back under memory
 * pressure, and go with the document when the parse ends.
 */
final class DocumentFontsPdfParser extends PDFParser {

    @Override
    protected PDDocument getPDDocument(
            InputStream stream,
            TikaInputStream tikaStream,
            String password,
            RandomAccessStreamCache.StreamCacheCreateFunction streamCache,
            Metadata metadata,
            ParseContext context)
            throws IOException, EncryptedDocumentException {
        PDDocument document = super.getPDDocument(stream, tikaStream, password, streamCache, metadata, context);
        document.setResourceCache(new DocumentFontCache());
        return document;
    }

    /** A document's resource cache that keeps its fonts when a page is done with them. */
    static final class DocumentFontCache extends DefaultResourceCache {

        @Override
        public PDFont removeFont(COSObject indirect) {
            return null;
        }
    }
}
