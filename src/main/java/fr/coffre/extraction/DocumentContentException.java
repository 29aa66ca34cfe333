package fr.coffre.extraction;

/**
 * The content of a document is unacceptable: not well-formed, hostile, or missing what a health
 * document must carry. The HTTP layer answers 422 with {@link #getMessage()}, so the message
 * states the reason and may name elements, but never repeats the document's content. The
 * indexing worker stores {@link #reason()}'s code and ends the document in {@code reason().status()}.
 */
public class DocumentContentException extends RuntimeException {

    private final QuarantineReason reason;

    public DocumentContentException(String message) {
        this(QuarantineReason.INVALID_CONTENT, message);
    }

    public DocumentContentException(String message, Throwable cause) {
        this(QuarantineReason.INVALID_CONTENT, message, cause);
    }

    public DocumentContentException(QuarantineReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DocumentContentException(QuarantineReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the document cannot be indexed; {@link QuarantineReason#INVALID_CONTENT} unless more is known. */
    public QuarantineReason reason() {
        return reason;
    }
}
