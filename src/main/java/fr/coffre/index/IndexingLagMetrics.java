package fr.coffre.index;

import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.observability.MetricsConfig;
import fr.coffre.observability.Sampler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code coffre_indexing_lag_records{topic, group}}: records the indexing consumer group has not
 * handled yet on the stored and retry topics (log end offset minus committed offset, summed over
 * partitions), asked of Kafka every {@code coffre.metrics.indexing-lag-interval}. Measured from the
 * group's committed offsets rather than by the consumers themselves (Kafka's own
 * {@code kafka_consumer_fetch_manager_records_lag} is per consumer and per assigned partition), so
 * it is known on every instance, and still grows when no worker runs at all.
 */
@ApplicationScoped
public class IndexingLagMetrics {

    static final String NAME = "coffre.indexing.lag";

    private final Admin admin;
    private final MetricsConfig config;
    private final Vertx vertx;
    private final String group;
    private final Map<String, AtomicLong> lag = new LinkedHashMap<>();
    private Sampler<Map<String, Long>> sampler;

    public IndexingLagMetrics(
            Admin admin, MetricsConfig config, Vertx vertx, MeterRegistry registry, KafkaTopicsConfig topics) {
        this.admin = admin;
        this.config = config;
        this.vertx = vertx;
        this.group = topics.indexingGroup();
        for (KafkaTopicsConfig.Topic consumed :
                List.of(topics.topics().documentsStored(), topics.topics().documentsRetry())) {
            String topic = consumed.name();
            AtomicLong records = new AtomicLong();
            lag.put(topic, records);
            Gauge.builder(NAME, records, AtomicLong::get)
                    .description("Records the indexing consumer group has yet to handle, as last asked of Kafka")
                    .baseUnit("records")
                    .tag("topic", topic)
                    .tag("group", this.group)
                    .strongReference(true)
                    .register(registry);
        }
    }

    void onStart(@Observes StartupEvent event) {
        sampler = Sampler.every(
                vertx,
                config.indexingLagInterval(),
                "the indexing consumer lag",
                () -> Uni.createFrom().completionStage(this::measure),
                this::update);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (sampler != null) {
            sampler.close();
        }
    }

    private void update(Map<String, Long> latest) {
        lag.forEach((topic, records) -> records.set(latest.getOrDefault(topic, 0L)));
    }

    /** Lag per topic; a partition the group never committed on counts from its earliest offset (auto.offset.reset). */
    private CompletionStage<Map<String, Long>> measure() {
        CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .toCompletionStage()
                .toCompletableFuture();
        return admin.describeTopics(List.copyOf(lag.keySet()))
                .allTopicNames()
                .toCompletionStage()
                .thenCompose(topics -> {
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                    topics.values()
                            .forEach(topic -> topic.partitions().forEach(p -> {
                                TopicPartition partition = new TopicPartition(topic.name(), p.partition());
                                latest.put(partition, OffsetSpec.latest());
                                earliest.put(partition, OffsetSpec.earliest());
                            }));
                    CompletableFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> ends =
                            admin.listOffsets(latest).all().toCompletionStage().toCompletableFuture();
                    CompletableFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> starts =
                            admin.listOffsets(earliest)
                                    .all()
                                    .toCompletionStage()
                                    .toCompletableFuture();
                    return CompletableFuture.allOf(committed, ends, starts).thenApply(all -> {
                        Map<String, Long> perTopic = new HashMap<>();
                        ends.join().forEach((partition, end) -> {
                            OffsetAndMetadata commit = committed.join().get(partition);
                            long from = commit != null
                                    ? commit.offset()
                                    : starts.join().get(partition).offset();
                            perTopic.merge(partition.topic(), Math.max(0, end.offset() - from), Long::sum);
                        });
                        return perTopic;
                    });
                });
    }
}
