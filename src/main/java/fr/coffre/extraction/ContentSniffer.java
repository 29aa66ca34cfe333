package fr.coffre.extraction;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.tika.mime.MediaType;

/**
 * Tells a document's kind from its first bytes: magic numbers, then for XML the root element and
 * its namespace, for JSON the FHIR resourceType. Generic detectors report CDA and FHIR as plain
 * XML or text, which is not enough to route them.
 */
public final class ContentSniffer {

    /** How many leading bytes the sniffer looks at. */
    public static final int SNIFF_BYTES = 8192;

    private static final Pattern XML_ROOT =
            Pattern.compile("<(?:([A-Za-z_][\\w.-]*):)?([A-Za-z_][\\w.-]*)([^>]*)>", Pattern.DOTALL);
    private static final Pattern RESOURCE_TYPE = Pattern.compile("\"resourceType\"\\s*:\\s*\"([A-Za-z]+)\"");

    private ContentSniffer() {}

    public record Sniffed(ContentKind kind, String mediaType) {}

    /** Office formats Coffre indexes, as Apache Tika names them. */
    private static final Set<String> OFFICE_TYPES = Set.of(
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation");

    /**
     * Combines what the first bytes say with Apache Tika's detection, which looks inside zip and
     * OLE2 containers: a zip holding a Word document is an office document, a bare zip stays a zip,
     * and an OLE2 file that is not a Word, Excel or PowerPoint document is of unknown kind. Other
     * kinds keep what the sniffer found (Tika calls CDA and FHIR mere XML or text).
     */
    public static Sniffed refine(Sniffed fromBytes, String tikaMediaType) {
        String tika = baseType(tikaMediaType);
        return switch (fromBytes.kind()) {
            case ZIP -> OFFICE_TYPES.contains(tika) ? new Sniffed(ContentKind.OFFICE, tika) : fromBytes;
            case OFFICE ->
                OFFICE_TYPES.contains(tika)
                        ? new Sniffed(ContentKind.OFFICE, tika)
                        : new Sniffed(ContentKind.UNKNOWN, tika == null ? fromBytes.mediaType() : tika);
            default -> fromBytes;
        };
    }

    /** The media type without parameters, lower-case; null when absent or not a media type. */
    public static String baseType(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        MediaType parsed = MediaType.parse(mediaType.trim());
        return parsed == null ? null : parsed.getBaseType().toString();
    }

    public static Sniffed sniff(byte[] bytes, int length) {
        int n = Math.min(length, SNIFF_BYTES);
        if (startsWith(bytes, n, "%PDF-")) {
            return new Sniffed(ContentKind.PDF, "application/pdf");
        }
        if (startsWith(bytes, n, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return new Sniffed(ContentKind.IMAGE, "image/png");
        }
        if (startsWith(bytes, n, 0xFF, 0xD8, 0xFF)) {
            return new Sniffed(ContentKind.IMAGE, "image/jpeg");
        }
        if (startsWith(bytes, n, 'I', 'I', 0x2A, 0x00) || startsWith(bytes, n, 'M', 'M', 0x00, 0x2A)) {
            return new Sniffed(ContentKind.IMAGE, "image/tiff");
        }
        if (startsWith(bytes, n, "GIF87a") || startsWith(bytes, n, "GIF89a")) {
            return new Sniffed(ContentKind.IMAGE, "image/gif");
        }
        if (startsWith(bytes, n, 0x7F, 'E', 'L', 'F')) {
            return new Sniffed(ContentKind.EXECUTABLE, "application/x-executable");
        }
        if (startsWith(bytes, n, 'M', 'Z')
                || startsWith(bytes, n, 0xCF, 0xFA, 0xED, 0xFE)
                || startsWith(bytes, n, 0xFE, 0xED, 0xFA, 0xCF)
                || startsWith(bytes, n, 0xCA, 0xFE, 0xBA, 0xBE)
                || startsWith(bytes, n, "#!")) {
            return new Sniffed(ContentKind.EXECUTABLE, "application/x-executable");
        }
        if (startsWith(bytes, n, "{\\rtf")) {
            return new Sniffed(ContentKind.RTF, "application/rtf");
        }
        if (startsWith(bytes, n, 'P', 'K', 0x03, 0x04)) {
            // OOXML and ODF are zips: which one is told by the worker from the entries; here only the container.
            return new Sniffed(ContentKind.ZIP, "application/zip");
        }
        if (startsWith(bytes, n, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) {
            return new Sniffed(ContentKind.OFFICE, "application/x-tika-msoffice");
        }
        String text = decodeText(bytes, n);
        if (text == null) {
            return new Sniffed(ContentKind.UNKNOWN, "application/octet-stream");
        }
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("<")) {
            return sniffXml(trimmed);
        }
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            Matcher m = RESOURCE_TYPE.matcher(trimmed);
            if (trimmed.startsWith("{") && m.find()) {
                return new Sniffed(ContentKind.FHIR_JSON, "application/fhir+json");
            }
            return new Sniffed(ContentKind.JSON, "application/json");
        }
        return new Sniffed(ContentKind.TEXT, "text/plain");
    }

    // Skips the prolog (declaration, comments, processing instructions, DOCTYPE) to the root element.
    private static Sniffed sniffXml(String text) {
        int at = 0;
        while (at < text.length()) {
            int lt = text.indexOf('<', at);
            if (lt < 0) {
                break;
            }
            if (text.startsWith("<?", lt)) {
                at = endOf(text, lt, "?>");
            } else if (text.startsWith("<!--", lt)) {
                at = endOf(text, lt, "-->");
            } else if (text.startsWith("<!", lt)) {
                at = endOf(text, lt, ">");
            } else {
                // One attempt, at this '<' only: find() would retry at every later position and,
                // on a head of "<a<a<a..." without '>', scan it again from each (quadratic).
                Matcher m = XML_ROOT.matcher(text).region(lt, text.length());
                if (m.lookingAt()) {
                    String local = m.group(2);
                    String attributes = m.group(3);
                    if (local.equals("ClinicalDocument") && attributes.contains("urn:hl7-org:v3")) {
                        return new Sniffed(ContentKind.CDA, "application/xml");
                    }
                    if (attributes.contains("http://hl7.org/fhir")) {
                        return new Sniffed(ContentKind.FHIR_XML, "application/fhir+xml");
                    }
                }
                return new Sniffed(ContentKind.XML, "application/xml");
            }
            if (at < 0) {
                break;
            }
        }
        return new Sniffed(ContentKind.XML, "application/xml");
    }

    private static int endOf(String text, int from, String terminator) {
        int end = text.indexOf(terminator, from);
        return end < 0 ? -1 : end + terminator.length();
    }

    // Text is UTF-8 (with or without BOM) or Latin-1 without control bytes; anything else is binary.
    private static String decodeText(byte[] bytes, int n) {
        int offset = startsWith(bytes, n, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        for (int i = offset; i < n; i++) {
            int b = bytes[i] & 0xff;
            if (b < 0x09 || (b > 0x0D && b < 0x20 && b != 0x1B)) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, trimIncompleteUtf8(bytes, offset, n) - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, offset, n - offset, StandardCharsets.ISO_8859_1);
        }
    }

    // The sniffed window may cut a multi-byte character in two.
    private static int trimIncompleteUtf8(byte[] bytes, int offset, int n) {
        int end = n;
        for (int back = 1; back <= 3 && end - back >= offset; back++) {
            int b = bytes[end - back] & 0xff;
            if ((b & 0xC0) == 0xC0) {
                int needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
                return needed > back ? end - back : end;
            }
            if ((b & 0x80) == 0) {
                return end;
            }
        }
        return end;
    }

    private static boolean startsWith(byte[] bytes, int n, String ascii) {
        return startsWith(bytes, n, ascii.chars().toArray());
    }

    private static boolean startsWith(byte[] bytes, int n, int... magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
