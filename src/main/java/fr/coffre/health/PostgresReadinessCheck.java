package fr.coffre.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Every endpoint and every worker needs PostgreSQL: without it the instance is not ready. */
@Readiness
@HealthGroup(ReadinessProbe.DEPENDENCIES)
@ApplicationScoped
public class PostgresReadinessCheck implements AsyncHealthCheck {

    private final Pool pool;
    private final String url;

    public PostgresReadinessCheck(Pool pool, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url) {
        this.pool = pool;
        this.url = url;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return ReadinessProbe.probe("postgresql", url, pool.query("SELECT 1").execute());
    }
}
