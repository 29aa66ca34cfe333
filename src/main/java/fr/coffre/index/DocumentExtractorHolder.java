package fr.coffre.index;

import fr.coffre.extraction.ExtractionLimits;
import fr.coffre.extraction.ForkedExtractor;
import fr.coffre.scratch.ScratchDirectory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The one extractor of this instance, with its limits from configuration: documents are extracted
 * in child processes ({@link ForkedExtractor}), started when first needed and reused, so that a
 * parse past its deadline is stopped with its process.
 */
@Singleton
public class DocumentExtractorHolder {

    private final ForkedExtractor extractor;

    public DocumentExtractorHolder(ExtractionConfig config, ScratchDirectory scratch) {
        this.extractor = new ForkedExtractor(
                ExtractionLimits.defaults()
                        .withMaxDocumentBytes(config.maxDocumentBytes())
                        .withMaxTextChars(config.maxTextChars())
                        .withParseTimeout(config.parseTimeout()),
                config.processJavaOptions(),
                config.maxProcesses().orElse(Runtime.getRuntime().availableProcessors()),
                config.aotTraining(),
                scratch.directory());
    }

    public ForkedExtractor extractor() {
        return extractor;
    }

    @PreDestroy
    void close() {
        extractor.close();
    }
}
