package fr.coffre.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * The topics Coffre owns. They are created at start from this configuration, never by the
 * broker's auto-creation, so partitions and retention are chosen, not inherited.
 */
@ConfigMapping(prefix = "coffre.kafka")
public interface KafkaTopicsConfig {

    /** Keyed by the topic's role (documents-stored, documents-retry, ...). */
    Map<String, Topic> topics();

    interface Topic {
        String name();

        int partitions();

        @WithDefault("1")
        short replicationFactor();

        @WithDefault("1")
        int minInsyncReplicas();

        Duration retention();
    }
}
