package fr.coffre.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Tokens cannot be verified without the provider's keys, so the service is not ready without it. */
@Readiness
@ApplicationScoped
public class OidcProviderReadinessCheck implements AsyncHealthCheck {

    private final WebClient client;
    private final String discoveryUrl;

    public OidcProviderReadinessCheck(
            Vertx vertx, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String authServerUrl) {
        this.client = WebClient.create(vertx);
        this.discoveryUrl = authServerUrl.replaceAll("/+$", "") + "/.well-known/openid-configuration";
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Uni<?> discovery = client.getAbs(discoveryUrl)
                .timeout(ReadinessProbe.TIMEOUT.toMillis())
                .send()
                .invoke(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("discovery answered HTTP " + response.statusCode());
                    }
                });
        return ReadinessProbe.probe("oidc-provider", discoveryUrl, discovery);
    }
}
