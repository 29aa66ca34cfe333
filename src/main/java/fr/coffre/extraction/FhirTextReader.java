package fr.coffre.extraction;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * The text of a FHIR document, in JSON or XML, read in one streaming pass: Composition title,
 * section titles and narratives ({@code text.div}, XHTML tags stripped), the DocumentReference
 * description and narrative, attachment titles, and attachment (or Binary) {@code data}, decoded
 * from base64 as a stream and handed to {@link Payloads} once its contentType is known.
 * Narratives of other resources (Patient, Practitioner...) are not indexed.
 */
final class FhirTextReader {

    private static final String XHTML = "http://www.w3.org/1999/xhtml";
    private static final Set<String> DOCUMENT_RESOURCES = Set.of("Composition", "DocumentReference");
    private static final Set<String> XHTML_BLOCKS = Set.of(
            "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote");

    private final int maxDepth;
    private final long maxBytes;
    private final JsonFactory json;

    FhirTextReader(int maxDepth, long maxBytes) {
        this.maxDepth = maxDepth;
        this.maxBytes = maxBytes;
        this.json = FhirJsonTree.factory(maxDepth, maxBytes);
    }

    /** A JSON object or XML element being read, with what is known of it so far. */
    private static final class Node {
        final Node parent;
        final String name;
        final boolean array;
        String resourceType;
        String contentType;
        Path data;

        Node(Node parent, String name, boolean array) {
            this.parent = parent;
            this.name = name;
            this.array = array;
        }

        /** The object that holds this one: arrays are transparent. */
        Node owner() {
            Node p = parent;
            while (p != null && p.array) {
                p = p.parent;
            }
            return p;
        }

        boolean isAttachmentLike() {
            return name.equals("attachment") || "Binary".equals(resourceType);
        }

        boolean inDocumentResource() {
            return resourceType != null && DOCUMENT_RESOURCES.contains(resourceType);
        }
    }

    void readJson(InputStream in, TextCollector text, Payloads payloads) throws IOException {
        Deque<Node> open = new ArrayDeque<>();
        String field = null;
        try (JsonParser parser = json.createParser(in)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                Node current = open.peek();
                switch (token) {
                    case FIELD_NAME -> field = parser.currentName();
                    case START_OBJECT, START_ARRAY -> {
                        String name = current == null ? "" : current.array ? current.name : field;
                        open.push(new Node(current, name, token == JsonToken.START_ARRAY));
                    }
                    case END_OBJECT -> finish(open.pop(), text, payloads);
                    case END_ARRAY -> open.pop();
                    case VALUE_STRING -> {
                        if (current == null || current.array) {
                            continue;
                        }
                        if (field.equals("data") && current.isAttachmentLike()) {
                            current.data = payloads.spool(out -> parser.readBinaryValue(out), "FHIR attachment data");
                        } else {
                            value(current, field, parser.getText(), text);
                        }
                    }
                    default -> {
                        // numbers, booleans and nulls carry no text
                    }
                }
            }
        } catch (StreamConstraintsException e) {
            throw new DocumentContentException(
                    e.getMessage() != null && e.getMessage().contains("depth")
                            ? QuarantineReason.TOO_DEEP
                            : QuarantineReason.TOO_LARGE,
                    "FHIR JSON exceeds the size or nesting limits",
                    e);
        } catch (JsonProcessingException e) {
            throw new DocumentContentException("FHIR JSON is not well-formed or holds invalid base64", e);
        }
    }

    void readXml(InputStream in, TextCollector text, Payloads payloads) throws IOException {
        try (SecureXmlStream xml = SecureXmlStream.open(in, maxDepth, maxBytes, "the FHIR XML document")) {
            XMLStreamReader reader = xml.reader();
            Deque<Node> open = new ArrayDeque<>();
            int narrativeDepth = 0;
            while (xml.hasNext()) {
                switch (xml.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (narrativeDepth > 0) {
                            narrativeDepth++;
                            if (XHTML_BLOCKS.contains(reader.getLocalName())) {
                                text.lineBreak();
                            }
                            continue;
                        }
                        Node current = open.peek();
                        String name = reader.getLocalName();
                        if (XHTML.equals(reader.getNamespaceURI()) && name.equals("div")) {
                            Node resource = current == null ? null : current.owner();
                            if (current != null && current.name.equals("text") && narrates(resource)) {
                                narrativeDepth = 1;
                                text.lineBreak();
                            } else {
                                narrativeDepth = 0;
                                skip(xml);
                            }
                            continue;
                        }
                        if (current != null && Character.isUpperCase(name.charAt(0))) {
                            // a resource inside contained/resource: its wrapper takes its type
                            current.resourceType = name;
                            Node resource = new Node(current, current.name, true);
                            resource.resourceType = name;
                            open.push(resource);
                            continue;
                        }
                        Node node = new Node(current, name, false);
                        if (current == null) {
                            node.resourceType = name;
                        }
                        open.push(node);
                        String value = reader.getAttributeValue(null, "value");
                        if (value != null && current != null) {
                            if (name.equals("data") && current.isAttachmentLike()) {
                                current.data = payloads.spool(
                                        Base64.getMimeDecoder()
                                                .wrap(new ByteArrayInputStream(
                                                        value.getBytes(StandardCharsets.ISO_8859_1))),
                                        "FHIR attachment data");
                            } else {
                                value(current, name, value, text);
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (narrativeDepth > 0) {
                            narrativeDepth--;
                            if (narrativeDepth == 0 || XHTML_BLOCKS.contains(reader.getLocalName())) {
                                text.lineBreak();
                            }
                            continue;
                        }
                        finish(open.pop(), text, payloads);
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (narrativeDepth > 0) {
                            text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                        }
                    }
                    default -> {
                        // comments and processing instructions
                    }
                }
            }
        }
    }

    /** A primitive value of an object: the ones that are text to index. */
    private void value(Node object, String field, String value, TextCollector text) {
        switch (field) {
            case "resourceType" -> object.resourceType = value;
            case "contentType" -> object.contentType = value;
            case "title" -> {
                if (object.name.equals("section")
                        || object.name.equals("attachment")
                        || "Composition".equals(object.resourceType)) {
                    line(text, value);
                }
            }
            case "description" -> {
                if ("DocumentReference".equals(object.resourceType)) {
                    line(text, value);
                }
            }
            case "div" -> {
                if (object.name.equals("text") && narrates(object.owner())) {
                    text.lineBreak();
                    appendXhtml(value, text);
                    text.lineBreak();
                }
            }
            default -> {
                // not text to index
            }
        }
    }

    /** Narratives of documents and of their sections are indexed; those of patients and the like are not. */
    private static boolean narrates(Node resource) {
        return resource != null && (resource.inDocumentResource() || resource.name.equals("section"));
    }

    private static void finish(Node node, TextCollector text, Payloads payloads) throws IOException {
        if (node.data != null) {
            payloads.index(node.contentType, node.data, "a FHIR attachment");
            node.data = null;
        }
    }

    private static void line(TextCollector text, String value) {
        text.lineBreak();
        text.append(value);
        text.lineBreak();
    }

    /** The text of an XHTML narrative given as a string (FHIR JSON); tags stripped, even when not well-formed. */
    private void appendXhtml(String xhtml, TextCollector text) {
        TextCollector scratch = new TextCollector(xhtml.length() + 1);
        try (SecureXmlStream xml = SecureXmlStream.open(
                new ByteArrayInputStream(xhtml.getBytes(StandardCharsets.UTF_8)),
                maxDepth,
                maxBytes,
                "the narrative")) {
            XMLStreamReader reader = xml.reader();
            while (xml.hasNext()) {
                switch (xml.next()) {
                    case XMLStreamConstants.START_ELEMENT, XMLStreamConstants.END_ELEMENT -> {
                        if (XHTML_BLOCKS.contains(reader.getLocalName())) {
                            scratch.lineBreak();
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                        scratch.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                    default -> {
                        // nothing else is text
                    }
                }
            }
            text.append(scratch.text());
        } catch (DocumentContentException e) {
            // XHTML entities (&nbsp;) or broken markup: strip the tags the simple way
            text.append(stripTags(xhtml)
                    .replace("&nbsp;", " ")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"));
        }
    }

    /**
     * Each {@code <...>} replaced by a space, in one pass; a {@code <} that no {@code >} closes stays as
     * text. The regular expression that did this backtracked over the rest of the text at every
     * unclosed {@code <}: 400,000 of them kept a core busy for ever.
     */
    static String stripTags(String xhtml) {
        StringBuilder out = new StringBuilder(xhtml.length());
        int tagStart = -1;
        for (int i = 0; i < xhtml.length(); i++) {
            char c = xhtml.charAt(i);
            if (tagStart >= 0) {
                if (c == '>') {
                    out.append(' ');
                    tagStart = -1;
                }
            } else if (c == '<') {
                tagStart = i;
            } else {
                out.append(c);
            }
        }
        if (tagStart >= 0) {
            out.append(xhtml, tagStart, xhtml.length());
        }
        return out.toString();
    }

    /** Reads past the element the parser is on. */
    private static void skip(SecureXmlStream xml) {
        int depth = 1;
        while (depth > 0 && xml.hasNext()) {
            switch (xml.next()) {
                case XMLStreamConstants.START_ELEMENT -> depth++;
                case XMLStreamConstants.END_ELEMENT -> depth--;
                default -> {
                    // skipped
                }
            }
        }
    }
}
