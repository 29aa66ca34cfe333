package fr.coffre.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * In the dependencies group, not in readiness: tokens are verified with the provider's keys the
 * service already holds, so an outage of the provider stops only callers who need a new token.
 */
@HealthGroup(ReadinessProbe.DEPENDENCIES)
@ApplicationScoped
public class OidcProviderCheck implements AsyncHealthCheck {

    private final WebClient client;
    private final String discoveryUrl;

    public OidcProviderCheck(Vertx vertx, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String authServerUrl) {
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
