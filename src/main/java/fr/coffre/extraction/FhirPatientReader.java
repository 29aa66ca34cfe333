package fr.coffre.extraction;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads the patient and document metadata of a FHIR R4 DocumentReference, Composition, or Bundle
 * (type document or transaction), in JSON or XML. XML goes through the same hardened parser as
 * CDA. Methods never close the given stream. Instances are thread-safe.
 */
public final class FhirPatientReader {

    public static final int DEFAULT_MAX_DEPTH = 256;
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** How far past leading whitespace to look for the first character when sniffing the syntax. */
    private static final int SNIFF_WINDOW = 4096;

    private final FhirJsonTree json;
    private final FhirXmlTree xml;

    public FhirPatientReader() {
        this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_BYTES);
    }

    public FhirPatientReader(int maxDepth, long maxBytes) {
        this.json = new FhirJsonTree(maxDepth, maxBytes);
        this.xml = new FhirXmlTree(maxDepth, maxBytes);
    }

    /**
     * Reads JSON or XML, told apart by the first significant character.
     *
     * @throws DocumentContentException when the input is neither, or is malformed
     */
    public FhirDocumentInfo read(InputStream in) {
        BufferedInputStream buffered = new BufferedInputStream(in, SNIFF_WINDOW);
        return switch (firstSignificantByte(buffered)) {
            case '{' -> readJson(buffered);
            case '<' -> readXml(buffered);
            default -> throw new DocumentContentException("the document is neither FHIR JSON nor FHIR XML");
        };
    }

    /** @throws DocumentContentException when the input is not an acceptable FHIR JSON resource */
    public FhirDocumentInfo readJson(InputStream in) {
        return FhirDocumentExtractor.extract(json.read(in));
    }

    /** @throws DocumentContentException when the input is not an acceptable FHIR XML resource */
    public FhirDocumentInfo readXml(InputStream in) {
        return FhirDocumentExtractor.extract(xml.read(in));
    }

    /** Skips a UTF-8 byte order mark and whitespace, then resets the stream. */
    private static int firstSignificantByte(BufferedInputStream in) {
        try {
            in.mark(SNIFF_WINDOW);
            byte[] head = in.readNBytes(SNIFF_WINDOW);
            in.reset();
            int i = head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF
                    ? 3
                    : 0;
            while (i < head.length && Character.isWhitespace(head[i])) {
                i++;
            }
            return i < head.length ? head[i] : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
