package fr.coffre.extraction;

/**
 * The extractor refuses new work for now: too many abandoned parses are still running (a parser
 * stuck in a loop that ignores interruption). Nothing is wrong with the document: retry later; an
 * instance that keeps answering this should be restarted (see
 * {@link DocumentExtractor#abandonedParsesRunning()}).
 */
public class ExtractionUnavailableException extends IllegalStateException {

    public ExtractionUnavailableException(String message) {
        super(message);
    }
}
