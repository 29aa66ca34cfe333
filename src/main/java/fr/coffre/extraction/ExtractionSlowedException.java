package fr.coffre.extraction;

import java.io.IOException;

/**
 * The parse passed its deadline while having had the CPU for only a small part of it: the machine
 * was busy, the document is not to blame. Retry later; a parse bomb spends its deadline computing
 * and ends in {@code parse-timeout} instead.
 */
public class ExtractionSlowedException extends IOException {

    public ExtractionSlowedException(String message) {
        super(message);
    }
}
