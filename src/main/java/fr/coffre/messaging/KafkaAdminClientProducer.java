package fr.coffre.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

@ApplicationScoped
public class KafkaAdminClientProducer {

    @Produces
    @Singleton
    Admin kafkaAdmin(KafkaConnection connection) {
        Map<String, Object> settings = connection.admin();
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "coffre-admin");
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(settings);
    }

    void close(@Disposes Admin admin) {
        admin.close();
    }
}
