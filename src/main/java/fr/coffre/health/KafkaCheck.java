package fr.coffre.health;

import fr.coffre.messaging.KafkaConnection;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements AsyncHealthCheck {

    private final Admin admin;
    private final String bootstrapServers;

    public KafkaReadinessCheck(Admin admin, KafkaConnection kafka) {
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
