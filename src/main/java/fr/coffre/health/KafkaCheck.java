package fr.coffre.health;

import fr.coffre.messaging.KafkaConnection;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Kafka in the dependencies group ({@code /q/health/group/dependencies}). Readiness asks it only
 * on worker-only instances ({@link KafkaReadinessCheck}): uploads go through the outbox and wait
 * there for Kafka.
 */
@HealthGroup(ReadinessProbe.DEPENDENCIES)
@ApplicationScoped
public class KafkaCheck implements AsyncHealthCheck {

    private final Admin admin;
    private final String bootstrapServers;

    public KafkaCheck(Admin admin, KafkaConnection kafka) {
        this.admin = admin;
        this.bootstrapServers = kafka.bootstrapServers();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        var options = new DescribeClusterOptions().timeoutMs((int) ReadinessProbe.TIMEOUT.toMillis());
        var nodes = admin.describeCluster(options).nodes().toCompletionStage();
        return ReadinessProbe.probe("kafka", bootstrapServers, Uni.createFrom().completionStage(nodes));
    }
}
