package fr.coffre.health;

import fr.coffre.extraction.DocumentExtractor;
import fr.coffre.index.DocumentExtractorHolder;
import fr.coffre.roles.RolesConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A worker whose extractor refuses work (too many parses past their deadline still running) can
 * index nothing: it says so, rather than take records it can only send to the retry topic. An
 * API-only instance does not extract, and this check says nothing against it.
 */
@Readiness
@ApplicationScoped
public class ExtractionReadinessCheck implements HealthCheck {

    private final DocumentExtractorHolder extractor;
    private final boolean worker;

    public ExtractionReadinessCheck(DocumentExtractorHolder extractor, RolesConfig roles) {
        this.extractor = extractor;
        this.worker = roles.worker();
    }

    @Override
    public HealthCheckResponse call() {
        DocumentExtractor current = extractor.extractor();
        int abandoned = current.abandonedParsesRunning();
        int allowed = current.limits().maxAbandonedParses();
        return HealthCheckResponse.named("extraction")
                .status(!worker || abandoned <= allowed)
                .withData("abandonedParsesRunning", abandoned)
                .withData("maxAbandonedParses", allowed)
                .build();
    }
}
