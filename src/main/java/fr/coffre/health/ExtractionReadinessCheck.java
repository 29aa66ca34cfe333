package fr.coffre.health;

import fr.coffre.extraction.ForkedExtractor;
import fr.coffre.index.DocumentExtractorHolder;
import fr.coffre.roles.RolesConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * A worker that cannot start its extraction processes can index nothing: it says so (with why),
 * rather than take records it can only send to the retry topic. An API-only instance does not
 * extract, and this check says nothing against it.
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
        ForkedExtractor current = extractor.extractor();
        String failure = current.startFailure();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("extraction")
                .status(!worker || failure == null)
                .withData("processes", current.processes())
                .withData("running", current.running())
                .withData("stopped", current.stopped());
        return failure == null
                ? response.build()
                : response.withData("error", failure).build();
    }
}
