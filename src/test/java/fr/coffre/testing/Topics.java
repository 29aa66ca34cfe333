package fr.coffre.testing;

import fr.coffre.event.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The local stack's Kafka topics, read from outside the service. */
public final class Topics {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Topics() {}

    /** Reads a whole topic up to its current end and counts the events about one document. */
    public static long eventsAbout(String topic, String documentId) {
        return eventsByDocument(topic).getOrDefault(documentId, 0L);
    }

    /** Reads a whole topic up to its current end: how many events name each document. */
    public static Map<String, Long> eventsByDocument(String topic) {
        Properties config = new Properties();
        config.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getenv().getOrDefault("COFFRE_KAFKA_BOOTSTRAP", "127.0.0.1:59092"));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, Long> found = new HashMap<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " could not be read to its end in " + DEADLINE);
                }
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    found.merge(EventCodec.decode(record.value()).documentId().toString(), 1L, Long::sum);
                }
            }
            return found;
        }
    }

    /** True once no event of the outbox is waiting to be relayed for this document. */
    public static boolean relayed(String documentId) {
        return Database.count("SELECT count(*) FROM outbox WHERE payload->>'documentId' = ?", documentId) == 0;
    }
}
