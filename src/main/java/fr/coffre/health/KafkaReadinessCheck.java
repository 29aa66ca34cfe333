package fr.coffre.health;

import fr.coffre.roles.RolesConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A worker-only instance does nothing without Kafka. An instance that serves the API stays ready
 * through a Kafka outage: uploads are committed with their events in the outbox, which the relay
 * sends when Kafka is back, and reads never touch Kafka.
 */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements AsyncHealthCheck {

    private final KafkaCheck kafka;
    private final boolean servesApi;

    public KafkaReadinessCheck(@HealthGroup(ReadinessProbe.DEPENDENCIES) KafkaCheck kafka, RolesConfig roles) {
        this.kafka = kafka;
        this.servesApi = roles.api();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (servesApi) {
            return Uni.createFrom()
                    .item(HealthCheckResponse.named("kafka")
                            .up()
                            .withData("needed", "no: uploads wait in the outbox; see /q/health/group/dependencies")
                            .build());
        }
        return kafka.call();
    }
}
