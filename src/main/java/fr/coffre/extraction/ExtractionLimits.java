package fr.coffre.extraction;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds one document's extraction stays within, whatever its content.
 *
 * @param maxDocumentBytes     the largest document read at all; larger ones end in {@code too-large}
 * @param maxTextChars         text kept for the index; longer text is cut there and flagged, not failed
 * @param parseTimeout         the most one extraction may take; past it, it is abandoned ({@code parse-timeout})
 * @param maxXmlDepth          deepest XML (CDA, FHIR XML) element nesting; deeper is {@code too-deep}
 * @param maxEmbeddedDepth     how deep documents embedded in documents (office attachments, archive
 *                             entries) are followed; deeper ones end the extraction in {@code zip-bomb}
 * @param maxEmbeddedDocuments how many embedded documents are parsed; the rest are skipped with a warning
 * @param maxEmbeddedBytes     bytes decoded from one CDA/FHIR base64 payload, and read from all
 *                             embedded documents of one file together; more is {@code zip-bomb}
 * @param maxAbandonedParses   parses past their deadline that may still be running (a parser stuck in
 *                             a loop that ignores interruption) before new extractions are refused
 */
public record ExtractionLimits(
        long maxDocumentBytes,
        int maxTextChars,
        Duration parseTimeout,
        int maxXmlDepth,
        int maxEmbeddedDepth,
        int maxEmbeddedDocuments,
        long maxEmbeddedBytes,
        int maxAbandonedParses) {

    /** The upload limit (coffre.ingest.max-document-size) by default. */
    public static final long DEFAULT_MAX_DOCUMENT_BYTES = 256L << 20;
    /** 1 Mi characters, about 2 MiB of Java heap per document in flight. */
    public static final int DEFAULT_MAX_TEXT_CHARS = 1 << 20;

    public static final Duration DEFAULT_PARSE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_XML_DEPTH = CdaHeaderReader.DEFAULT_MAX_DEPTH;
    public static final int DEFAULT_MAX_EMBEDDED_DEPTH = 2;
    public static final int DEFAULT_MAX_EMBEDDED_DOCUMENTS = 100;
    public static final long DEFAULT_MAX_EMBEDDED_BYTES = 256L << 20;
    public static final int DEFAULT_MAX_ABANDONED_PARSES = 4;

    public ExtractionLimits {
        Objects.requireNonNull(parseTimeout, "parseTimeout");
        if (maxDocumentBytes <= 0
                || maxTextChars < 0
                || parseTimeout.isNegative()
                || parseTimeout.isZero()
                || maxXmlDepth <= 0
                || maxEmbeddedDepth < 0
                || maxEmbeddedDocuments < 0
                || maxEmbeddedBytes <= 0
                || maxAbandonedParses < 0) {
            throw new IllegalArgumentException("extraction limits must be positive: " + this);
        }
    }

    public static ExtractionLimits defaults() {
        return new ExtractionLimits(
                DEFAULT_MAX_DOCUMENT_BYTES,
                DEFAULT_MAX_TEXT_CHARS,
                DEFAULT_PARSE_TIMEOUT,
                DEFAULT_MAX_XML_DEPTH,
                DEFAULT_MAX_EMBEDDED_DEPTH,
                DEFAULT_MAX_EMBEDDED_DOCUMENTS,
                DEFAULT_MAX_EMBEDDED_BYTES,
                DEFAULT_MAX_ABANDONED_PARSES);
    }

    public ExtractionLimits withMaxDocumentBytes(long value) {
        return new ExtractionLimits(
                value,
                maxTextChars,
                parseTimeout,
                maxXmlDepth,
                maxEmbeddedDepth,
                maxEmbeddedDocuments,
                maxEmbeddedBytes,
                maxAbandonedParses);
    }

    public ExtractionLimits withMaxTextChars(int value) {
        return new ExtractionLimits(
                maxDocumentBytes,
                value,
                parseTimeout,
                maxXmlDepth,
                maxEmbeddedDepth,
                maxEmbeddedDocuments,
                maxEmbeddedBytes,
                maxAbandonedParses);
    }

    public ExtractionLimits withParseTimeout(Duration value) {
        return new ExtractionLimits(
                maxDocumentBytes,
                maxTextChars,
                value,
                maxXmlDepth,
                maxEmbeddedDepth,
                maxEmbeddedDocuments,
                maxEmbeddedBytes,
                maxAbandonedParses);
    }

    public ExtractionLimits withMaxXmlDepth(int value) {
        return new ExtractionLimits(
                maxDocumentBytes,
                maxTextChars,
                parseTimeout,
                value,
                maxEmbeddedDepth,
                maxEmbeddedDocuments,
                maxEmbeddedBytes,
                maxAbandonedParses);
    }

    public ExtractionLimits withMaxEmbeddedDepth(int value) {
        return new ExtractionLimits(
                maxDocumentBytes,
                maxTextChars,
                parseTimeout,
                maxXmlDepth,
                value,
                maxEmbeddedDocuments,
                maxEmbeddedBytes,
                maxAbandonedParses);
    }

    public ExtractionLimits withMaxEmbeddedBytes(long value) {
        return new ExtractionLimits(
                maxDocumentBytes,
                maxTextChars,
                parseTimeout,
                maxXmlDepth,
                maxEmbeddedDepth,
                maxEmbeddedDocuments,
                value,
                maxAbandonedParses);
    }

    public ExtractionLimits withMaxAbandonedParses(int value) {
        return new ExtractionLimits(
                maxDocumentBytes,
                maxTextChars,
                parseTimeout,
                maxXmlDepth,
                maxEmbeddedDepth,
                maxEmbeddedDocuments,
                maxEmbeddedBytes,
                value);
    }
}
