package fr.coffre.index;

import fr.coffre.extraction.DocumentExtractor;
import fr.coffre.extraction.ExtractionLimits;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The one {@link DocumentExtractor} of this instance (Apache Tika is set up once, in about a
 * second, when it is first needed), with its limits from configuration.
 */
@Singleton
public class DocumentExtractorHolder {

    private final DocumentExtractor extractor;

    public DocumentExtractorHolder(ExtractionConfig config) {
        this.extractor = new DocumentExtractor(ExtractionLimits.defaults()
                .withMaxDocumentBytes(config.maxDocumentBytes())
                .withMaxTextChars(config.maxTextChars())
                .withParseTimeout(config.parseTimeout())
                .withMaxAbandonedParses(config.maxAbandonedParses()));
    }

    public DocumentExtractor extractor() {
        return extractor;
    }

    @PreDestroy
    void close() {
        extractor.close();
    }
}
