package fr.coffre.extraction;

import fr.coffre.document.DocumentStatus;

/**
 * Why a document cannot be indexed. Each reason has a stable {@link #code()}, stored as the
 * document's status reason, and the {@link #status()} the document ends in: QUARANTINED when the
 * content is hostile, unacceptable or contradicts what its producer declared, FAILED when it is
 * merely broken (a truncated PDF, say): kept as sent, with no text.
 */
public enum QuarantineReason {
    /** Nothing to read: zero bytes. */
    EMPTY("empty", DocumentStatus.QUARANTINED),
    /** Larger than the extraction limit on document size. */
    TOO_LARGE("too-large", DocumentStatus.QUARANTINED),
    /** Nested deeper than a limit: XML elements, JSON, or the XHTML Tika produces. */
    TOO_DEEP("too-deep", DocumentStatus.QUARANTINED),
    /** Expands out of proportion to its size, or nests embedded documents (archives) too deep. */
    ZIP_BOMB("zip-bomb", DocumentStatus.QUARANTINED),
    /** Password-protected or encrypted: its text cannot be read. */
    ENCRYPTED("encrypted", DocumentStatus.QUARANTINED),
    /** Parsing took longer than the limit and was abandoned. */
    PARSE_TIMEOUT("parse-timeout", DocumentStatus.QUARANTINED),
    /** XML that is not well-formed. */
    MALFORMED_XML("malformed-xml", DocumentStatus.QUARANTINED),
    /** XML with a DOCTYPE or entity references (external entities, entity expansion). */
    DOCTYPE_FORBIDDEN("doctype-forbidden", DocumentStatus.QUARANTINED),
    /** Bytes that are not valid in the declared character encoding. */
    INVALID_ENCODING("invalid-encoding", DocumentStatus.QUARANTINED),
    /** A kind of content that is not indexed: archives, executables, unknown binaries, foreign XML or JSON. */
    UNSUPPORTED_TYPE("unsupported-type", DocumentStatus.QUARANTINED),
    /** Well-formed, but not an acceptable CDA or FHIR document (wrong root, invalid dates, malformed FHIR...). */
    INVALID_CONTENT("invalid-content", DocumentStatus.QUARANTINED),
    /** The parser could not read it (truncated or damaged file). */
    CORRUPT("corrupt", DocumentStatus.FAILED),
    /** A CDA or FHIR document that names no patient. */
    MISSING_PATIENT_ID("missing-patient-id", DocumentStatus.QUARANTINED),
    /** The document's INS is not a valid INS (wrong key): filing it would reach a stranger's record. */
    INVALID_INS("invalid-ins", DocumentStatus.QUARANTINED),
    /** The document's INS differs from the patient its producer declared. */
    PATIENT_MISMATCH("patient-mismatch", DocumentStatus.QUARANTINED);

    private final String code;
    private final DocumentStatus status;

    QuarantineReason(String code, DocumentStatus status) {
        this.code = code;
        this.status = status;
    }

    /** The stable, lower-case code stored as the status reason, e.g. {@code parse-timeout}. */
    public String code() {
        return code;
    }

    /** The status a document with this outcome ends in: QUARANTINED or FAILED. */
    public DocumentStatus status() {
        return status;
    }

    @Override
    public String toString() {
        return code;
    }
}
