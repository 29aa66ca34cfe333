package fr.coffre.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The one place Coffre's own Kafka clients (the admin client, the dead-letter replay's consumer)
 * get their connection settings: every {@code kafka.*} property, as the messaging channels get
 * them, so TLS and SASL settings reach every client. Each client takes only the keys it knows.
 */
@ApplicationScoped
public class KafkaConnection {

    private final Map<String, Object> broker;

    public KafkaConnection(@Identifier("default-kafka-broker") Map<String, Object> broker) {
        this.broker = Map.copyOf(broker);
    }

    public String bootstrapServers() {
        return String.valueOf(broker.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** For an admin client, before the caller's own settings. */
    public Map<String, Object> admin() {
        return only(AdminClientConfig.configNames());
    }

    /** For a consumer, before the caller's own settings (group, deserialisers, offsets). */
    public Map<String, Object> consumer() {
        return only(ConsumerConfig.configNames());
    }

    private Map<String, Object> only(Set<String> known) {
        Map<String, Object> settings = new HashMap<>();
        broker.forEach((key, value) -> {
            if (known.contains(key)) {
                settings.put(key, value);
            }
        });
        return settings;
    }
}
