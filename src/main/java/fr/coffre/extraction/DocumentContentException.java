package fr.coffre.extraction;

/**
 * The content of a document is unacceptable: not well-formed, hostile, or missing what a health
 * document must carry. The HTTP layer answers 422 with {@link #getMessage()}, so the message
 * states the reason and may name elements, but never repeats the document's content.
 */
public class DocumentContentException extends RuntimeException {

    public DocumentContentException(String reason) {
        super(reason);
    }

    public DocumentContentException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
