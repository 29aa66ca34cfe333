package fr.coffre.index;

/** Indexing could not finish for a reason that may pass (a server down, a busy extractor): retry later. */
public class TransientIndexingException extends Exception {

    public TransientIndexingException(String message, Throwable cause) {
        super(message, cause);
    }
}
