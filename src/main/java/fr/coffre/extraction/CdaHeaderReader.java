package fr.coffre.extraction;

import java.io.InputStream;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads HL7 CDA R2 documents with a streaming parser that refuses DOCTYPEs, bounds nesting and
 * size, decodes per the XML declaration and never fetches anything (stylesheet processing
 * instructions included). Methods never close the given stream. Instances are thread-safe.
 */
public final class CdaHeaderReader {

    public static final int DEFAULT_MAX_DEPTH = 256;
    /** Real headers are tens of kilobytes; the body, which can hold large base64 files, is not read. */
    public static final long DEFAULT_MAX_HEADER_BYTES = 1L << 20;

    public static final long DEFAULT_MAX_DOCUMENT_BYTES = 128L << 20;

    static final String HL7_NAMESPACE = "urn:hl7-org:v3";

    private final int maxDepth;
    private final long maxHeaderBytes;
    private final long maxDocumentBytes;

    public CdaHeaderReader() {
        this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_DOCUMENT_BYTES);
    }

    public CdaHeaderReader(int maxDepth, long maxHeaderBytes, long maxDocumentBytes) {
        this.maxDepth = maxDepth;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxDocumentBytes = maxDocumentBytes;
    }

    /**
     * Reads the header, stopping at the first {@code component} of ClinicalDocument (the body).
     *
     * @throws DocumentContentException when the input is not a well-formed, acceptable CDA header
     */
    public CdaHeader read(InputStream in) {
        try (SecureXmlStream xml = SecureXmlStream.open(in, maxDepth, maxHeaderBytes, "the CDA header")) {
            return readHeader(xml);
        }
    }

    /**
     * Reads the header and checks the whole document under the rules of {@link #checkWellFormed},
     * in one pass, for a document already in memory: parsing the header a second time cost the
     * upload path a tenth of its XML work. The header is bounded only by the document, as when the
     * worker reads it.
     *
     * @throws DocumentContentException when the input is not a well-formed, acceptable CDA document
     */
    public CdaHeader readWhole(InputStream in) {
        try (SecureXmlStream xml = SecureXmlStream.open(in, maxDepth, maxDocumentBytes, "the XML document")) {
            CdaHeader header = readHeader(xml);
            xml.drain();
            return header;
        }
    }

    /**
     * Reads the header from an opened stream, leaving it on the start of the body (the first
     * {@code component} of ClinicalDocument), or at the end of a document without a body.
     */
    static CdaHeader readHeader(SecureXmlStream xml) {
        XMLStreamReader reader = xml.reader();
        CdaHeaderCollector collector = new CdaHeaderCollector();
        while (xml.hasNext()) {
            switch (xml.next()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    if (!collector.start(reader)) {
                        return collector.header();
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> collector.end();
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                    collector.text(reader);
                default -> {
                    // comments and processing instructions carry nothing for the header
                }
            }
        }
        return collector.header();
    }

    /**
     * Reads a whole XML document, of any vocabulary, under the same rules as {@link #read}.
     *
     * @throws DocumentContentException when it is not well-formed or breaks one of the rules
     */
    public void checkWellFormed(InputStream in) {
        try (SecureXmlStream xml = SecureXmlStream.open(in, maxDepth, maxDocumentBytes, "the XML document")) {
            xml.drain();
        }
    }
}
