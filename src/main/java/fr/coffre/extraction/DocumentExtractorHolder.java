package fr.coffre.extraction;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one {@link DocumentExtractor} of this instance (Apache Tika is set up once, in about a
 * second, when it is first needed), with its limits from configuration.
 */
@Singleton
public class DocumentExtractorHolder {

    private final DocumentExtractor extractor;

    @Inject
    public DocumentExtractorHolder(
            @ConfigProperty(name = "coffre.extraction.max-document-bytes", defaultValue = "268435456") long maxDocumentBytes,
            @ConfigProperty(name = "coffre.extraction.max-text-chars", defaultValue = "1048576") int maxTextChars,
            @ConfigProperty(name = "coffre.extraction.parse-timeout", defaultValue = "PT30S") Duration parseTimeout,
            @ConfigProperty(name = "coffre.extraction.max-abandoned-parses", defaultValue = "4") int maxAbandonedParses) {
        this.extractor = new DocumentExtractor(ExtractionLimits.defaults()
                .withMaxDocumentBytes(maxDocumentBytes)
                .withMaxTextChars(maxTextChars)
                .withParseTimeout(parseTimeout)
                .withMaxAbandonedParses(maxAbandonedParses));
    }

    public DocumentExtractor extractor() {
        return extractor;
    }

    @PreDestroy
    void close() {
        extractor.close();
    }
}
