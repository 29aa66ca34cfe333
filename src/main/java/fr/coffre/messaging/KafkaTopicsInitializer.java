package fr.coffre.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** Creates Coffre's topics at start when they are missing; reports drift on existing ones. */
@ApplicationScoped
public class KafkaTopicsInitializer {

    private static final Logger LOG = Logger.getLogger(KafkaTopicsInitializer.class);

    private final Admin admin;
    private final KafkaTopicsConfig config;

    public KafkaTopicsInitializer(Admin admin, KafkaTopicsConfig config) {
        this.admin = admin;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        ensureTopics(config.topics().all());
    }

    void ensureTopics(Collection<KafkaTopicsConfig.Topic> topics) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (KafkaTopicsConfig.Topic topic : topics) {
            if (!existing.contains(topic.name())) {
                missing.add(newTopic(topic));
            }
        }
        create(missing);
        // Topics created just now have the configured partitions, and the broker may not describe
        // them yet (UnknownTopicOrPartition right after creation): check only those that existed.
        List<KafkaTopicsConfig.Topic> present =
                topics.stream().filter(t -> existing.contains(t.name())).toList();
        if (!present.isEmpty()) {
            warnAboutPartitionDrift(present);
        }
    }

    /**
     * Instances that start together (an api and a worker on a new cluster) both find a topic
     * missing: the one whose creation comes second is told it exists, and starts all the same.
     */
    void create(List<NewTopic> topics) throws Exception {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<Void>> created = admin.createTopics(topics).values();
        for (NewTopic topic : topics) {
            try {
                created.get(topic.name()).get(30, TimeUnit.SECONDS);
                LOG.infof("Created topic %s with %d partitions", topic.name(), topic.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                LOG.infof("Topic %s was created meanwhile, by another instance", topic.name());
            }
        }
    }

    static NewTopic newTopic(KafkaTopicsConfig.Topic topic) {
        return new NewTopic(topic.name(), topic.partitions(), topic.replicationFactor())
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                                Long.toString(topic.retention().toMillis()),
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(topic.minInsyncReplicas())));
    }

    // Partitions are never changed here: adding some would move patients to other partitions and
    // break per-patient ordering, which is an operator's decision.
    private void warnAboutPartitionDrift(Collection<KafkaTopicsConfig.Topic> topics) throws Exception {
        List<String> names = topics.stream().map(KafkaTopicsConfig.Topic::name).toList();
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        for (KafkaTopicsConfig.Topic topic : topics) {
            int actual = descriptions.get(topic.name()).partitions().size();
            if (actual != topic.partitions()) {
                LOG.warnf(
                        "Topic %s has %d partitions, configuration asks for %d",
                        topic.name(), actual, topic.partitions());
            }
        }
    }
}
