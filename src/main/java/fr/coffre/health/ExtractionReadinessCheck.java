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
 * rather than take records it can only send to the retry topic. An instance that serves the API
 * stays ready whatever its extraction does: uploads and reads do not depend on it, and the failure
 * still shows in this check's data.
 */
@Readiness
@ApplicationScoped
public class ExtractionReadinessCheck implements HealthCheck {

    private final DocumentExtractorHolder extractor;
    private final boolean workerOnly;

    public ExtractionReadinessCheck(DocumentExtractorHolder extractor, RolesConfig roles) {
        this.extractor = extractor;
        this.workerOnly = roles.worker() && !roles.api();
    }

    @Override
    public HealthCheckResponse call() {
        ForkedExtractor current = extractor.extractor();
        String failure = current.startFailure();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("extraction")
                .status(!workerOnly || failure == null)
                .withData("processes", current.processes())
                .withData("running", current.running())
                .withData("stopped", current.stopped());
        return failure == null
                ? response.build()
                : response.withData("error", failure).build();
    }
}
