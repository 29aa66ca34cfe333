package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaMemoryLimitException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.extractor.ParsingEmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.AutoDetectParserConfig;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.csv.TextAndCSVParser;
import org.apache.tika.parser.image.TiffParser;
import org.apache.tika.parser.microsoft.OfficeParser;
import org.apache.tika.parser.microsoft.OfficeParserConfig;
import org.apache.tika.parser.microsoft.ooxml.OOXMLParser;
import org.apache.tika.parser.microsoft.rtf.RTFParser;
import org.apache.tika.parser.odf.OpenDocumentParser;
import org.apache.tika.parser.pdf.PDFParser;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.parser.pkg.PackageParser;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Apache Tika, set up once (building it takes about a second) and shared: detection from content,
 * and parsing of the kinds Coffre indexes with Tika (PDF, Word/Excel/PowerPoint old and new,
 * OpenDocument, RTF, plain text, PNG/JPEG/TIFF/GIF images) and nothing else, with no OCR, no
 * macros, no archive unpacking. Tika wraps output in its SecureContentHandler (expansion ratio,
 * XHTML depth); documents embedded in documents go through {@link LimitedEmbeddedExtractor}.
 * Parses run on the calling thread: the deadline is the caller's ({@link DocumentExtractor}).
 * Thread-safe.
 */
final class TikaEngine {

    private static final Set<String> BLOCK_ELEMENTS = Set.of(
            "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "title", "table", "ul", "ol");
    /** Metadata kept for indexing; Tika reports many more, some of them large. */
    private static final List<String> KEPT_METADATA = List.of(
            "dc:title",
            "dc:creator",
            "dcterms:created",
            "dcterms:modified",
            "xmpTPg:NPages",
            "dc:language",
            "tiff:ImageWidth",
            "tiff:ImageLength",
            "Content-Type");

    private static final int MAX_METADATA_VALUE = 1000;
    private static final long SECURE_OUTPUT_THRESHOLD = 1_000_000;
    private static final long SECURE_MAX_COMPRESSION_RATIO = 100;
    private static final int SECURE_MAX_XHTML_DEPTH = 100;

    private final ExtractionLimits limits;
    private final Detector detector;
    private final AutoDetectParser parser;

    TikaEngine(ExtractionLimits limits) {
        this(limits, false);
    }

    /**
     * @param withArchives also unpack zip and other archives (tests of the embedded limits only:
     *                     Coffre never indexes archives)
     */
    TikaEngine(ExtractionLimits limits, boolean withArchives) {
        this.limits = limits;
        this.detector = TikaConfig.getDefaultConfig().getDetector();
        // Its configuration is set once: passed with each parse, Tika copies it by reflection each time.
        PDFParser pdf = new DocumentFontsPdfParser();
        pdf.setPDFParserConfig(pdfConfig());
        List<Parser> parsers = new ArrayList<>(List.of(
                pdf,
                new OOXMLParser(),
                new OfficeParser(),
                new OpenDocumentParser(),
                new RTFParser(),
                new TextAndCSVParser(),
                new ImageFileParser(),
                new JpegHeaderParser(),
                new TiffParser()));
        if (withArchives) {
            parsers.add(new PackageParser());
        }
        this.parser = new ParsersMappedOnce(detector, parsers.toArray(Parser[]::new));
        // Tika wraps every handler in a SecureContentHandler built from this: past a million
        // characters of output, more than 100 characters per input byte is a bomb; XHTML nested
        // deeper than 100 elements is refused.
        this.parser.setAutoDetectParserConfig(new AutoDetectParserConfig(
                null,
                SECURE_OUTPUT_THRESHOLD,
                SECURE_MAX_COMPRESSION_RATIO,
                SECURE_MAX_XHTML_DEPTH,
                limits.maxEmbeddedDepth() + 1));
    }

    /** Tika's media type for the content, without its parameters; never reads more than detection needs. */
    String detect(TikaInputStream in) throws IOException {
        return detector.detect(in, new Metadata()).getBaseType().toString();
    }

    /** What a file is, and Tika's detection when it was asked. */
    record Sniffing(ContentSniffer.Sniffed sniffed, String tikaType) {

        /** The media type to parse as without detection: known for certain from the magic bytes. */
        String certainType() {
            return sniffed.kind() == ContentKind.PDF || sniffed.kind() == ContentKind.IMAGE
                    ? sniffed.mediaType()
                    : null;
        }
    }

    /**
     * Coffre's sniffing of the file's head, refined by Tika's detection (its MIME magic) only where
     * the sniffing cannot tell the kind: zip containers and old Office files. Detection for every
     * file cost an eighth of a worker's CPU.
     */
    Sniffing sniff(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(ContentSniffer.SNIFF_BYTES);
        }
        ContentSniffer.Sniffed fromBytes = ContentSniffer.sniff(head, head.length);
        String tikaType = null;
        if (fromBytes.kind() == ContentKind.ZIP || fromBytes.kind() == ContentKind.OFFICE) {
            try (TikaInputStream in = TikaInputStream.get(file)) {
                tikaType = detect(in);
            }
        }
        return new Sniffing(ContentSniffer.refine(fromBytes, tikaType), tikaType);
    }

    record Parsed(String mediaType, Map<String, String> metadata, List<String> warnings) {}

    /**
     * Parses the document, adding its text to {@code text} unless {@code keepText} is false (images:
     * metadata only). Stops early, without failing, when {@code text} is full.
     *
     * @param knownType the media type when it is certain already (no detection then), or null
     * @throws DocumentContentException with the reason when the document cannot be parsed
     * @throws InterruptedIOException   when the thread was interrupted (the deadline passed)
     */
    Parsed parse(TikaInputStream in, TextCollector text, boolean keepText, String knownType)
            throws InterruptedIOException {
        Metadata metadata = new Metadata();
        if (knownType != null) {
            // Tika's composite detector returns an override at once, without reading the content.
            metadata.set(TikaCoreProperties.CONTENT_TYPE_USER_OVERRIDE, knownType);
        }
        ParseContext context = new ParseContext();
        List<String> warnings = new ArrayList<>();
        LimitedEmbeddedExtractor embedded = new LimitedEmbeddedExtractor(context, warnings);
        context.set(Parser.class, parser);
        context.set(EmbeddedDocumentExtractor.class, embedded);
        context.set(OfficeParserConfig.class, officeConfig());
        TextHandler handler = new TextHandler(keepText ? text : null, embedded);
        try {
            parser.parse(in, new BodyContentHandler(handler), metadata, context);
        } catch (OutOfMemoryError e) {
            throw new DocumentContentException(
                    QuarantineReason.TOO_LARGE, "the document needs more memory to parse than is available", null);
        } catch (StackOverflowError e) {
            throw new DocumentContentException(QuarantineReason.TOO_DEEP, "the document is nested too deeply to parse");
        } catch (Exception e) {
            if (embedded.violation != null) {
                throw embedded.violation;
            }
            if (!WriteLimitReachedException.isWriteLimitReached(e) && !handler.stoppedAtLimit) {
                throw failure(e);
            }
        }
        if (embedded.violation != null) {
            throw embedded.violation;
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("parse interrupted");
        }
        return new Parsed(metadata.get(Metadata.CONTENT_TYPE), kept(metadata), warnings);
    }

    private static Map<String, String> kept(Metadata metadata) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : KEPT_METADATA) {
            String value = metadata.get(name);
            if (value != null && !value.isBlank()) {
                kept.put(
                        name,
                        value.length() > MAX_METADATA_VALUE ? value.substring(0, MAX_METADATA_VALUE) : value.strip());
            }
        }
        return kept;
    }

    private static PDFParserConfig pdfConfig() {
        PDFParserConfig config = new PDFParserConfig();
        config.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
        config.setExtractInlineImages(false);
        config.setExtractActions(false);
        config.setExtractBookmarksText(true);
        config.setExtractAnnotationText(true);
        return config;
    }

    private static OfficeParserConfig officeConfig() {
        OfficeParserConfig config = new OfficeParserConfig();
        config.setExtractMacros(false);
        // Stream .docx and .pptx instead of building their whole DOM in memory.
        config.setUseSAXDocxExtractor(true);
        config.setUseSAXPptxExtractor(true);
        return config;
    }

    private static RuntimeException failure(Exception e) throws InterruptedIOException {
        if (interrupted(e)) {
            InterruptedIOException interrupted = new InterruptedIOException("parse interrupted");
            interrupted.initCause(e);
            throw interrupted;
        }
        if (has(e, EncryptedDocumentException.class)) {
            return new DocumentContentException(
                    QuarantineReason.ENCRYPTED, "the document is encrypted or password-protected", e);
        }
        if (has(e, ZeroByteFileException.class)) {
            return new DocumentContentException(QuarantineReason.EMPTY, "the document is empty", e);
        }
        if (has(e, TikaMemoryLimitException.class)) {
            return new DocumentContentException(
                    QuarantineReason.TOO_LARGE, "parsing the document would need more memory than allowed", e);
        }
        String messages = messages(e);
        if (messages.contains("levels of XML element nesting")) {
            return new DocumentContentException(
                    QuarantineReason.TOO_DEEP, "the document's structure is nested too deeply", e);
        }
        if (messages.contains("zip bomb") || messages.contains("Zip bomb")) {
            return new DocumentContentException(
                    QuarantineReason.ZIP_BOMB,
                    "the document expands out of proportion to its size (suspected zip bomb)",
                    e);
        }
        return new DocumentContentException(
                QuarantineReason.CORRUPT,
                "the document could not be parsed: it is damaged or truncated ("
                        + e.getClass().getSimpleName() + ")",
                e);
    }

    private static boolean interrupted(Throwable e) {
        return Thread.currentThread().isInterrupted()
                || has(e, InterruptedIOException.class)
                || has(e, ClosedByInterruptException.class)
                || has(e, InterruptedException.class);
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    /** Tika's XHTML body to {@link TextCollector}: characters, with line breaks at block elements. */
    private static final class TextHandler extends DefaultHandler {
        private final TextCollector text;
        private final LimitedEmbeddedExtractor embedded;
        boolean stoppedAtLimit;

        TextHandler(TextCollector text, LimitedEmbeddedExtractor embedded) {
            this.text = text;
            this.embedded = embedded;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes)
                throws SAXException {
            check();
            if (text != null && BLOCK_ELEMENTS.contains(localName)) {
                text.lineBreak();
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            if (text != null && BLOCK_ELEMENTS.contains(localName)) {
                text.lineBreak();
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            check();
            if (text != null) {
                text.append(ch, start, length);
                if (text.full()) {
                    stoppedAtLimit = true;
                    throw new WriteLimitReachedException(text.remaining());
                }
            }
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            if (text != null) {
                text.space();
            }
        }

        private void check() throws SAXException {
            if (embedded.violation != null) {
                throw new SAXException(embedded.violation.getMessage());
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new SAXException(new InterruptedIOException("parse interrupted"));
            }
        }
    }

    /**
     * Parses embedded documents (attachments, OLE objects, archive entries) to a depth and a count,
     * reading at most a byte budget from all of them together. Going deeper or past the budget ends
     * the whole parse as a zip bomb; past the count, the rest are skipped with a warning.
     */
    private final class LimitedEmbeddedExtractor implements EmbeddedDocumentExtractor {
        private final ParsingEmbeddedDocumentExtractor delegate;
        private final List<String> warnings;
        private int depth;
        private int parsed;
        private long bytesRead;
        volatile DocumentContentException violation;

        LimitedEmbeddedExtractor(ParseContext context, List<String> warnings) {
            this.delegate = new ParsingEmbeddedDocumentExtractor(context);
            this.warnings = warnings;
        }

        @Override
        public boolean shouldParseEmbedded(Metadata metadata) {
            if (violation != null) {
                return false;
            }
            if (parsed >= limits.maxEmbeddedDocuments()) {
                if (parsed == limits.maxEmbeddedDocuments()) {
                    warnings.add("more than " + limits.maxEmbeddedDocuments()
                            + " embedded documents: the rest were not read");
                    parsed++;
                }
                return false;
            }
            return delegate.shouldParseEmbedded(metadata);
        }

        @Override
        public void parseEmbedded(InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml)
                throws SAXException, IOException {
            if (violation != null) {
                throw new SAXException(violation.getMessage());
            }
            if (depth + 1 > limits.maxEmbeddedDepth()) {
                violation = new DocumentContentException(
                        QuarantineReason.ZIP_BOMB,
                        "embedded documents are nested deeper than " + limits.maxEmbeddedDepth() + " levels");
                throw new SAXException(violation.getMessage());
            }
            parsed++;
            depth++;
            BoundedInputStream counted = new BoundedInputStream(stream, limits.maxEmbeddedBytes() - bytesRead);
            try {
                delegate.parseEmbedded(counted, handler, metadata, outputHtml);
            } finally {
                depth--;
                bytesRead += counted.count();
                if (counted.limitExceeded() && violation == null) {
                    violation = new DocumentContentException(
                            QuarantineReason.ZIP_BOMB,
                            "embedded documents expand to more than " + limits.maxEmbeddedBytes() + " bytes");
                }
            }
            if (violation != null) {
                throw new SAXException(violation.getMessage());
            }
        }
    }

    /**
     * Tika's auto-detecting parser, its map from media type to parser built once: Tika builds it
     * again for each parse (and each embedded document) from every parser's supported types, 1 to
     * 4 % of a parse (docs/benchmarks.md, session 23). The parsers here support the same types
     * whatever the parse.
     */
    static final class ParsersMappedOnce extends AutoDetectParser {

        private final Map<MediaType, Parser> byType;

        ParsersMappedOnce(Detector detector, Parser... parsers) {
            super(detector, parsers);
            this.byType = Map.copyOf(super.getParsers(new ParseContext()));
        }

        @Override
        public Map<MediaType, Parser> getParsers(ParseContext context) {
            // Null while Tika's own constructor runs.
            return byType != null ? byType : super.getParsers(context);
        }
    }
}
