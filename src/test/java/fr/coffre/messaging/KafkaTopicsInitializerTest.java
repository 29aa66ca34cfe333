package fr.coffre.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

@QuarkusTest
class KafkaTopicsInitializerTest {

    @Inject
    Admin admin;

    @Inject
    KafkaTopicsConfig config;

    @Inject
    KafkaTopicsInitializer initializer;

    @Test
    void everyConfiguredTopicExistsWithItsPartitionsAndRetention() throws Exception {
        assertFalse(config.topics().all().isEmpty());
        for (KafkaTopicsConfig.Topic topic : config.topics().all()) {
            assertTopic(topic.name(), topic.partitions(), topic.retention());
        }
    }

    @Test
    void createsAMissingTopicFromConfiguration() throws Exception {
        String name = "coffre.test.bootstrap-" + UUID.randomUUID();
        KafkaTopicsConfig.Topic topic = topic(name, 5, Duration.ofHours(2));
        Set<String> before = admin.listTopics().names().get(10, TimeUnit.SECONDS);
        assertFalse(before.contains(name));
        try {
            initializer.ensureTopics(List.of(topic));
            assertTopic(name, 5, Duration.ofHours(2));
            // A second start finds it and leaves it alone.
            initializer.ensureTopics(List.of(topic));
            assertTopic(name, 5, Duration.ofHours(2));
        } finally {
            admin.deleteTopics(List.of(name)).all().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTopicAnotherInstanceCreatedBetweenItsListingAndItsOwnRequestIsTakenAsCreated() throws Exception {
        String name = "coffre.test.bootstrap-" + UUID.randomUUID();
        KafkaTopicsConfig.Topic topic = topic(name, 3, Duration.ofHours(1));
        initializer.ensureTopics(List.of(topic));
        try {
            // What the second of two instances starting together on a new cluster does.
            initializer.create(List.of(KafkaTopicsInitializer.newTopic(topic(name, 7, Duration.ofHours(5)))));

            assertTopic(name, 3, Duration.ofHours(1));
        } finally {
            admin.deleteTopics(List.of(name)).all().get(10, TimeUnit.SECONDS);
        }
    }

    private void assertTopic(String name, int partitions, Duration retention) {
        // A topic created a moment ago may not be described yet (UnknownTopicOrPartition) by the
        // broker that answers, until the controller's metadata reaches it.
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        TopicDescription description = await("topic " + name + " described")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(
                        () -> admin.describeTopics(List.of(name))
                                .allTopicNames()
                                .get(10, TimeUnit.SECONDS)
                                .get(name),
                        Objects::nonNull);
        assertEquals(partitions, description.partitions().size(), name + " partitions");
        Map<ConfigResource, Config> configs = await("topic " + name + " configuration described")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(
                        () -> admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS),
                        Objects::nonNull);
        assertEquals(
                Long.toString(retention.toMillis()),
                configs.get(resource).get(TopicConfig.RETENTION_MS_CONFIG).value(),
                name + " retention.ms");
    }

    private static KafkaTopicsConfig.Topic topic(String name, int partitions, Duration retention) {
        return new KafkaTopicsConfig.Topic() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int partitions() {
                return partitions;
            }

            @Override
            public short replicationFactor() {
                return 1;
            }

            @Override
            public int minInsyncReplicas() {
                return 1;
            }

            @Override
            public Duration retention() {
                return retention;
            }
        };
    }
}
