package fr.coffre.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/**
 * The topics Coffre owns. They are created at start from this configuration, never by the
 * broker's auto-creation, so partitions and retention are chosen, not inherited.
 */
@ConfigMapping(prefix = "coffre.kafka")
public interface KafkaTopicsConfig {

    Topics topics();

    /**
     * The consumer group of the indexing workers, on the stored and retry topics; the lag metric
     * and the spans name it too.
     */
    String indexingGroup();

    interface Topics {
        /** {@code document-stored} events, from the outbox to the indexing workers. */
        Topic documentsStored();

        /** The same events again, with a due time, for a document whose indexing failed for a passing reason. */
        Topic documentsRetry();

        /** The same events once the attempts are spent; an operator replays them. */
        Topic documentsDeadLetter();

        /** {@code document-indexed} events, for notifications. */
        Topic documentsIndexed();

        default List<Topic> all() {
            return List.of(documentsStored(), documentsRetry(), documentsDeadLetter(), documentsIndexed());
        }
    }

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
