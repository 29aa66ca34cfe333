package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the body of an HL7 CDA R2 document, in the same streaming pass as its header.
 * <ul>
 * <li>Level 1 ({@code nonXMLBody/text}): a base64 file ({@code representation="B64"}) is decoded as
 *     the parser delivers it, chunk by chunk, into a temporary file, then read by Tika through
 *     {@link Payloads}; plain text ({@code TXT}) is taken as is. A {@code reference} to an external
 *     file is never fetched.</li>
 * <li>Level 2/3 ({@code structuredBody}): section titles and narrative blocks ({@code section/text}
 *     with its paragraphs, lists, tables, content...) are indexed; coded entries are not. Every
 *     element with {@code representation="B64"} (observationMedia values, embedded renditions) is
 *     skipped unread, and {@link TextCollector} drops any base64 left in the narrative.</li>
 * </ul>
 */
final class CdaBodyReader {

    private static final String HL7 = CdaHeaderReader.HL7_NAMESPACE;
    private static final String FOREIGN = "{foreign}";
    /** Narrative elements after which text continues on a new line. */
    private static final Set<String> BLOCKS =
            Set.of("paragraph", "br", "tr", "item", "list", "table", "caption", "thead", "tbody", "tfoot", "footnote");

    private static final Set<String> CELLS = Set.of("td", "th");

    private CdaBodyReader() {}

    record Body(int level, int skippedPayloads) {}

    /**
     * Reads from the body's opening {@code component} (where {@link CdaHeaderReader#readHeader}
     * stopped) to the end of the document.
     */
    static Body read(SecureXmlStream xml, TextCollector text, Payloads payloads, List<String> warnings)
            throws IOException {
        XMLStreamReader reader = xml.reader();
        if (reader.getEventType() != XMLStreamConstants.START_ELEMENT) {
            warnings.add("the CDA has no body");
            return new Body(0, 0);
        }
        Deque<String> path = new ArrayDeque<>();
        path.push("component");
        int level = 0;
        int skipped = 0;
        int skipDepth = 0;
        int titleDepth = 0;
        int narrativeDepth = 0;
        while (!path.isEmpty() && xml.hasNext()) {
            switch (xml.next()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    if (skipDepth > 0) {
                        skipDepth++;
                        continue;
                    }
                    String name = name(reader);
                    String parent = path.peek();
                    if (parent.equals("nonXMLBody") && name.equals("text")) {
                        level = 1;
                        nonXmlText(xml, text, payloads, warnings);
                        continue;
                    }
                    if ("B64".equals(reader.getAttributeValue(null, "representation"))) {
                        skipDepth = 1;
                        skipped++;
                        continue;
                    }
                    if (name.equals("nonXMLBody")) {
                        level = 1;
                    } else if (name.equals("structuredBody")) {
                        level = 3;
                    }
                    if (narrativeDepth > 0) {
                        narrativeDepth++;
                        boundary(text, name);
                    } else if (titleDepth > 0) {
                        titleDepth++;
                    } else if (parent.equals("section") && name.equals("title")) {
                        titleDepth = 1;
                        text.lineBreak();
                    } else if (parent.equals("section") && name.equals("text")) {
                        narrativeDepth = 1;
                        text.lineBreak();
                    }
                    path.push(name);
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (skipDepth > 0) {
                        skipDepth--;
                        continue;
                    }
                    String name = path.pop();
                    if (narrativeDepth > 0) {
                        narrativeDepth--;
                        if (narrativeDepth == 0) {
                            text.lineBreak();
                        } else {
                            boundary(text, name);
                        }
                    } else if (titleDepth > 0) {
                        titleDepth--;
                        if (titleDepth == 0) {
                            text.lineBreak();
                        }
                    }
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (skipDepth == 0 && (narrativeDepth > 0 || titleDepth > 0)) {
                        text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                    }
                }
                default -> {
                    // comments and processing instructions are not text
                }
            }
        }
        // What follows the body is checked too: the document must be well-formed to its end.
        xml.drain();
        if (skipped > 0) {
            warnings.add(
                    skipped + " base64 object(s) in the CDA body (observationMedia and the like) were not indexed");
        }
        return new Body(level, skipped);
    }

    private static void boundary(TextCollector text, String element) {
        if (BLOCKS.contains(element)) {
            text.lineBreak();
        } else if (CELLS.contains(element)) {
            text.space();
        }
    }

    /** A level-1 body: its text element, read to its end. */
    private static void nonXmlText(SecureXmlStream xml, TextCollector text, Payloads payloads, List<String> warnings)
            throws IOException {
        XMLStreamReader reader = xml.reader();
        String mediaType = reader.getAttributeValue(null, "mediaType");
        String representation = reader.getAttributeValue(null, "representation");
        String compression = reader.getAttributeValue(null, "compression");
        ElementText content = new ElementText(xml);
        if (!"B64".equals(representation)) {
            if (compression != null) {
                warnings.add("the CDA nonXMLBody is compressed (" + compression + ") but not base64: not indexed");
            } else {
                content.appendTo(text);
            }
        } else {
            InputStream decoded = decompressed(Base64.getMimeDecoder().wrap(content), compression, warnings);
            if (decoded != null) {
                Path file;
                try {
                    file = payloads.spool(decoded, "the CDA nonXMLBody");
                } catch (ZipException e) {
                    throw new DocumentContentException(
                            QuarantineReason.CORRUPT,
                            "the CDA nonXMLBody is not valid " + compression + " compressed data",
                            e);
                } catch (IOException e) {
                    if (e.getMessage() != null
                            && e.getMessage().toLowerCase(Locale.ROOT).contains("base64")) {
                        throw new DocumentContentException(
                                QuarantineReason.CORRUPT, "the CDA nonXMLBody is not valid base64", e);
                    }
                    throw e;
                }
                payloads.index(mediaType, file, "the CDA nonXMLBody");
            }
        }
        content.drain();
        if (content.sawReference) {
            warnings.add("the CDA nonXMLBody refers to an external file, which is never fetched");
        }
    }

    private static InputStream decompressed(InputStream in, String compression, List<String> warnings)
            throws IOException {
        if (compression == null) {
            return in;
        }
        return switch (compression) {
            case "DF" -> new InflaterInputStream(in, new Inflater(true));
            case "ZL" -> new InflaterInputStream(in);
            case "GZ" -> new GZIPInputStream(in);
            default -> {
                warnings.add(
                        "the CDA nonXMLBody uses compression " + compression + ", which is not supported: not indexed");
                yield null;
            }
        };
    }

    /** Elements outside the HL7 namespace all get one name that none of the body's names matches. */
    private static String name(XMLStreamReader reader) {
        return HL7.equals(reader.getNamespaceURI()) ? reader.getLocalName() : FOREIGN;
    }

    /**
     * The character content of the element the parser is on, as a stream of its (ASCII) characters,
     * pulled from the parser event by event; ends at the element's end tag. Text of nested elements
     * is left out.
     */
    private static final class ElementText extends InputStream {
        private final SecureXmlStream xml;
        private char[] chunk = new char[0];
        private int position;
        private int length;
        private int nested;
        private boolean ended;
        boolean sawReference;

        ElementText(SecureXmlStream xml) {
            this.xml = xml;
        }

        @Override
        public int read() {
            if (!fill()) {
                return -1;
            }
            return ascii(chunk[position++]);
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (count == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) ascii(chunk[position++]);
            }
            return n;
        }

        void appendTo(TextCollector text) {
            while (fill()) {
                text.append(chunk, position, length - position);
                position = length;
            }
        }

        void drain() {
            while (fill()) {
                position = length;
            }
        }

        @Override
        public void close() {
            // the parser belongs to the reader
        }

        /** @return false at the end of the element */
        private boolean fill() {
            while (position >= length) {
                if (ended) {
                    return false;
                }
                XMLStreamReader reader = xml.reader();
                switch (xml.next()) {
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (nested == 0) {
                            // the parser reuses its buffer: copy this event's characters
                            int n = reader.getTextLength();
                            if (chunk.length < n) {
                                chunk = new char[Math.max(n, 8192)];
                            }
                            System.arraycopy(reader.getTextCharacters(), reader.getTextStart(), chunk, 0, n);
                            position = 0;
                            length = n;
                        }
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        if ("reference".equals(reader.getLocalName())) {
                            sawReference = true;
                        }
                        nested++;
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (nested == 0) {
                            ended = true;
                        } else {
                            nested--;
                        }
                    }
                    default -> {
                        // comments and processing instructions
                    }
                }
            }
            return true;
        }

        /** Base64 is ASCII; anything else becomes a byte the MIME decoder ignores. */
        private static int ascii(char c) {
            return c < 0x80 ? c : '!';
        }
    }
}
