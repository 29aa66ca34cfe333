package fr.coffre.mhd;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a FHIR XML resource sent for publication in one pass, as {@link FhirPayloadReader} reads
 * JSON: every {@code <data value="…"/>} of an attachment or a Binary is decoded into a temporary
 * file as its base64 streams in, and the rest is kept as text for HAPI, which then never sees a
 * document. A general XML parser would hold an attribute value whole; this scanner knows just
 * enough XML for FHIR's: elements, attributes, text, comments, CDATA and the XML declaration. A
 * DOCTYPE (and so any entity) is refused before anything else is read.
 *
 * <p>Payloads are keyed by the JSON path the same element has in FHIR JSON
 * ({@code /entry/2/resource/data}), so that a Bundle's checks are the same whichever format it
 * came in.
 */
final class XmlPayloadScanner {

    /** The elements FHIR repeats among those on a payload's path: their position is part of it. */
    private static final Set<String> REPEATED = Set.of("entry", "content");

    private static final int MAX_TAG = FhirPayloadReader.MAX_STRING;
    private static final Pattern ENCODING = Pattern.compile("encoding\\s*=\\s*[\"']([^\"']+)[\"']");

    private final InputStream in;
    private final FhirPayloadReader.Read read;
    private final long maxPayload;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Deque<Element> open = new ArrayDeque<>();
    private String rootType;
    private int pushedBack = -1;

    /** An open element: its name, its JSON path, and how many children of each repeated name it has had. */
    private record Element(String name, String path, Map<String, Integer> children) {}

    XmlPayloadScanner(InputStream in, FhirPayloadReader.Read read, long maxPayload) {
        this.in = new BufferedInputStream(in, 64 * 1024); // read a byte at a time from here
        this.read = read;
        this.maxPayload = maxPayload;
    }

    /** Scans the whole body into {@code read}: its payloads, and its resource as XML text. */
    void scan() throws IOException {
        for (int b = next(); b >= 0; b = next()) {
            if (b != '<') {
                keep(b);
                continue;
            }
            int c = next();
            switch (c) {
                case '!' -> markup();
                case '?' -> declaration();
                case '/' -> endTag();
                case -1 -> throw invalid("The body ends inside a tag.");
                default -> {
                    pushedBack = c;
                    startTag();
                }
            }
        }
        if (!open.isEmpty() || rootType == null) {
            throw invalid("The body is not one complete FHIR XML resource.");
        }
        try {
            read.xml(
                    rootType,
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .decode(ByteBuffer.wrap(kept.toByteArray()))
                            .toString());
        } catch (CharacterCodingException e) {
            throw invalid("A FHIR XML body is UTF-8; this one is not.");
        }
    }

    /** The XML declaration (or a processing instruction): UTF-8 only, as FHIR requires. */
    private void declaration() throws IOException {
        int from = kept.size();
        copyUntil("<?", "?>");
        String text = new String(kept.toByteArray(), from, kept.size() - from, StandardCharsets.US_ASCII)
                .toLowerCase(Locale.ROOT);
        Matcher encoding = ENCODING.matcher(text);
        if (encoding.find() && !encoding.group(1).equals("utf-8")) {
            throw invalid("A FHIR XML body is UTF-8, not " + encoding.group(1) + ".");
        }
    }

    private void markup() throws IOException {
        int c = next();
        if (c == '-') {
            if (next() != '-') {
                throw invalid("A malformed comment.");
            }
            copyUntil("<!--", "-->");
        } else if (c == '[') {
            copyUntil("<![", "]]>");
        } else {
            throw invalid("A DOCTYPE or other declaration is not accepted in a FHIR resource.");
        }
    }

    /** Copies what follows an opening {@code start} to the first {@code end}, both included. */
    private void copyUntil(String start, String end) throws IOException {
        for (byte b : start.getBytes(StandardCharsets.US_ASCII)) {
            keep(b);
        }
        StringBuilder last = new StringBuilder(); // the last bytes read, as long as the end mark
        while (!last.toString().equals(end)) {
            int b = next();
            if (b < 0) {
                throw invalid("The body ends inside a comment, a CDATA section or a declaration.");
            }
            keep(b);
            last.append((char) b);
            if (last.length() > end.length()) {
                last.deleteCharAt(0);
            }
        }
    }

    private void endTag() throws IOException {
        String name = name();
        int b = skipSpace();
        if (b != '>') {
            throw invalid("A malformed end tag </" + name + ".");
        }
        if (open.isEmpty() || !open.peek().name().equals(name)) {
            throw invalid("The end tag </" + name + "> closes no element open here.");
        }
        open.pop();
        keep("</" + name + ">");
    }

    private void startTag() throws IOException {
        String name = name();
        if (name.isEmpty()) {
            throw invalid("A malformed tag.");
        }
        Element parent = open.peek();
        if (parent == null && rootType != null) {
            throw invalid("The body holds more than one resource.");
        }
        if (parent != null && local(name).equals("data") && isPayloadParent(local(parent.name()))) {
            payload(parent);
            return;
        }
        ByteArrayOutputStream tag = new ByteArrayOutputStream();
        ascii(tag, "<" + name);
        boolean selfClosing = attributes(tag);
        keep(tag);
        if (parent == null) {
            rootType = local(name);
        }
        String path = path(parent, name); // an empty element still takes its place among its kind
        if (!selfClosing) {
            if (open.size() >= FhirPayloadReader.MAX_DEPTH) {
                throw invalid("The resource is nested too deeply.");
            }
            open.push(new Element(name, path, new HashMap<>()));
        }
    }

    private static boolean isPayloadParent(String name) {
        return name.equals("attachment") || name.equals("Binary");
    }

    /**
     * The JSON path of a child: the root and a contained resource's type element are not part of
     * it ({@code <resource><Binary>} is JSON's {@code resource}), repeated elements take their index.
     */
    private static String path(Element parent, String name) {
        if (parent == null) {
            return "";
        }
        if (local(parent.name()).equals("resource")) {
            return parent.path();
        }
        String local = local(name);
        String here = parent.path() + "/" + local;
        if (REPEATED.contains(local)) {
            int index = parent.children().merge(local, 1, Integer::sum) - 1;
            here += "/" + index;
        }
        return here;
    }

    /** A name without its namespace prefix: FHIR's namespace may be bound to one. */
    private static String local(String name) {
        return name.substring(name.indexOf(':') + 1);
    }

    /** Reads attributes up to the tag's end into {@code tag}, as sent; true when the element closes itself. */
    private boolean attributes(ByteArrayOutputStream tag) throws IOException {
        while (true) {
            int b = skipSpace();
            if (b == '>') {
                tag.write('>');
                return false;
            }
            if (b == '/') {
                if (next() != '>') {
                    throw invalid("A malformed tag.");
                }
                ascii(tag, "/>");
                return true;
            }
            if (b < 0) {
                throw invalid("The body ends inside a tag.");
            }
            pushedBack = b;
            String attribute = name();
            if (attribute.isEmpty() || skipSpace() != '=') {
                throw invalid("A malformed attribute.");
            }
            int quote = skipSpace();
            if (quote != '"' && quote != '\'') {
                throw invalid("An attribute value must be quoted.");
            }
            ascii(tag, " " + attribute + "=" + (char) quote);
            boundedTag(tag);
            for (int c = next(); c != quote; c = next()) {
                if (c < 0 || c == '<') {
                    throw invalid("A malformed attribute value.");
                }
                tag.write(c);
                boundedTag(tag);
            }
            tag.write(quote);
        }
    }

    /** A {@code <data value="…"/>}: its base64 decoded into a file; nothing of it is kept as text. */
    private void payload(Element parent) throws IOException {
        String path = path(parent, "data");
        FhirPayloadReader.Payload payload = null;
        while (true) {
            int b = skipSpace();
            if (b == '/' && next() == '>') {
                break;
            }
            if (b == '>') {
                // <data value="…"></data>, as some writers put it: nothing may come between.
                if (skipSpace() != '<' || next() != '/' || !name().equals("data") || skipSpace() != '>') {
                    throw invalid("A data element carries its base64 in its value attribute, and nothing else.");
                }
                break;
            }
            if (b < 0) {
                throw invalid("The body ends inside a tag.");
            }
            pushedBack = b;
            String attribute = name();
            if (skipSpace() != '=') {
                throw invalid("A malformed attribute.");
            }
            int quote = skipSpace();
            if (quote != '"' && quote != '\'') {
                throw invalid("An attribute value must be quoted.");
            }
            if (!attribute.equals("value") || payload != null) {
                throw invalid("A data element has one value attribute, and no other.");
            }
            payload = FhirPayloadReader.spool(read, maxPayload, out -> decode(quote, out));
            read.add(path, payload); // at once: a failure from here on still removes its file
        }
        if (payload == null) {
            throw invalid("A data element has no value.");
        }
    }

    /** Decodes base64 characters up to the closing quote; whitespace is skipped, anything else refused. */
    private long decode(int quote, OutputStream out) throws IOException {
        Base64.Decoder decoder = Base64.getDecoder();
        byte[] quartets = new byte[4 * 4096];
        int filled = 0;
        long written = 0;
        boolean ended = false;
        for (int c = next(); c != quote; c = next()) {
            if (c < 0) {
                throw invalid("The body ends inside a data element.");
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c == '&' && whitespaceReference())) {
                continue;
            }
            if (ended) {
                throw invalid("A data element is not valid base64.");
            }
            quartets[filled++] = (byte) c;
            if (filled == quartets.length) {
                written += write(decoder, quartets, filled, out);
                ended = quartets[filled - 1] == '=';
                filled = 0;
            }
        }
        if (filled % 4 != 0) {
            throw invalid("A data element is not valid base64.");
        }
        return written + write(decoder, quartets, filled, out);
    }

    private static long write(Base64.Decoder decoder, byte[] quartets, int length, OutputStream out)
            throws IOException {
        byte[] chunk = length == quartets.length ? quartets : Arrays.copyOf(quartets, length);
        byte[] decoded = decoder.decode(chunk);
        out.write(decoded);
        return decoded.length;
    }

    /** An XML name (letters, digits, '_', '-', '.', ':'), as ASCII: FHIR's names all are. */
    private String name() throws IOException {
        StringBuilder name = new StringBuilder();
        for (int b = next(); b >= 0; b = next()) {
            if ((b >= 'a' && b <= 'z')
                    || (b >= 'A' && b <= 'Z')
                    || (b >= '0' && b <= '9')
                    || b == '_'
                    || b == '-'
                    || b == '.'
                    || b == ':') {
                name.append((char) b);
                if (name.length() > 256) {
                    throw invalid("An element or attribute name is too long.");
                }
            } else {
                pushedBack = b;
                break;
            }
        }
        return name.toString();
    }

    private int skipSpace() throws IOException {
        int b = next();
        int skipped = 0;
        while (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
            if (++skipped > MAX_TAG) {
                throw invalid("A tag holds more than " + MAX_TAG + " bytes of whitespace.");
            }
            b = next();
        }
        return b;
    }

    /**
     * After a {@code &} in base64: a reference to a whitespace character ({@code &#xA;}, {@code &#10;},
     * as some writers wrap base64), which is skipped; anything else is not base64.
     */
    private boolean whitespaceReference() throws IOException {
        StringBuilder reference = new StringBuilder();
        for (int c = next(); c != ';'; c = next()) {
            if (c < 0 || reference.length() > 8) {
                throw invalid("A data element is not valid base64.");
            }
            reference.append((char) c);
        }
        String r = reference.toString().toLowerCase(Locale.ROOT);
        if (r.equals("#xa")
                || r.equals("#10")
                || r.equals("#xd")
                || r.equals("#13")
                || r.equals("#x9")
                || r.equals("#9")
                || r.equals("#x20")
                || r.equals("#32")) {
            return true;
        }
        throw invalid("A data element is not valid base64.");
    }

    private static void boundedTag(ByteArrayOutputStream tag) {
        if (tag.size() > MAX_TAG) {
            throw invalid("A tag holds more than " + MAX_TAG + " bytes outside its data elements.");
        }
    }

    private int next() throws IOException {
        if (pushedBack >= 0) {
            int b = pushedBack;
            pushedBack = -1;
            return b;
        }
        return in.read();
    }

    private static void ascii(ByteArrayOutputStream into, String text) {
        into.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    // What is kept is held in memory until HAPI reads it: bounded as JSON's metadata are.
    private void keep(int b) {
        kept.write(b);
        bounded();
    }

    private void keep(String text) {
        kept.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        bounded();
    }

    private void keep(ByteArrayOutputStream tag) {
        kept.writeBytes(tag.toByteArray());
        bounded();
    }

    private void bounded() {
        if (kept.size() > FhirPayloadReader.MAX_METADATA) {
            throw new ProblemException(
                    ProblemType.REQUEST_TOO_LARGE,
                    "The resource's elements, its data left aside, are larger than " + FhirPayloadReader.MAX_METADATA
                            + " bytes.");
        }
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.MALFORMED_REQUEST, detail);
    }
}
