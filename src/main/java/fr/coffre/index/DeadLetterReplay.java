package fr.coffre.index;

import fr.coffre.blocking.Await;
import fr.coffre.database.Transactions;
import fr.coffre.document.DocumentRepository;
import fr.coffre.event.DocumentStored;
import fr.coffre.event.EventCodec;
import fr.coffre.event.Redelivery;
import fr.coffre.event.UnreadableEventException;
import fr.coffre.messaging.KafkaConnection;
import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.observability.Traceparent;
import fr.coffre.outbox.OutboxRelay;
import fr.coffre.outbox.OutboxRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Gives dead-lettered documents another chance once an operator has fixed the cause: each
 * dead letter not replayed before puts its document back to STORED and its event back in the
 * outbox, in one transaction, so the workers take it again from the start. Blocking.
 */
@ApplicationScoped
public class DeadLetterReplay {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplay.class);
    static final String GROUP = "coffre-dead-letter-replay";
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    private final Transactions transactions;
    private final DocumentRepository documents;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final String deadLetterTopic;
    private final String storedTopic;
    private final KafkaConnection kafka;
    private final Await await;

    public DeadLetterReplay(
            Transactions transactions,
            DocumentRepository documents,
            OutboxRepository outbox,
            OutboxRelay relay,
            KafkaTopicsConfig topics,
            KafkaConnection kafka,
            Await await) {
        this.await = await;
        this.transactions = transactions;
        this.documents = documents;
        this.outbox = outbox;
        this.relay = relay;
        this.deadLetterTopic = topics.topics().documentsDeadLetter().name();
        this.storedTopic = topics.topics().documentsStored().name();
        this.kafka = kafka;
    }

    /** What a replay did: documents put back in the queue, and dead letters whose document had moved on. */
    public record Outcome(int replayed, int skipped, List<Replayed> documents) {}

    public record Replayed(UUID documentId, String reason) {}

    /** Replays every dead letter up to the topic's current end; one replay at a time. */
    public synchronized Outcome replay() {
        Map<String, Object> config = kafka.consumer();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<Replayed> replayed = new ArrayList<>();
        int skipped = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic, DEADLINE).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, DEADLINE);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, DEADLINE) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the dead-letter topic could not be read to its end in " + DEADLINE);
                }
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue; // arrived during this replay: the next one takes it
                    }
                    DocumentStored stored = storedEvent(record);
                    if (stored != null && requeue(stored, record)) {
                        replayed.add(new Replayed(
                                stored.documentId(),
                                Redelivery.readFrom(record.headers()).reason()));
                    } else {
                        skipped++;
                    }
                    done.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done, DEADLINE);
                }
            }
        }
        relay.wakeUp();
        LOG.infof("Dead letters replayed: %d put back in the queue, %d skipped", replayed.size(), skipped);
        return new Outcome(replayed.size(), skipped, replayed);
    }

    // The replayed document goes on in its own trace, the one its upload started.
    private boolean requeue(DocumentStored stored, ConsumerRecord<String, String> record) {
        String traceparent = Redelivery.text(record.headers(), Traceparent.HEADER);
        return await.result(transactions.run(connection -> documents
                .requeue(connection, stored.documentId())
                .call(again -> again
                        ? outbox.append(connection, storedTopic, record.key(), stored, traceparent)
                        : Uni.createFrom().voidItem())));
    }

    /** Null for a record that is no document-stored event: skipped, as a worker would skip it. */
    private static DocumentStored storedEvent(ConsumerRecord<String, String> record) {
        try {
            return EventCodec.decode(record.value()) instanceof DocumentStored stored ? stored : null;
        } catch (UnreadableEventException e) {
            LOG.errorf(
                    "Skipping an unreadable dead letter at %s-%d@%d",
                    record.topic(), record.partition(), record.offset());
            return null;
        }
    }
}
