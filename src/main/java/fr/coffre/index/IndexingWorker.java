package fr.coffre.index;

import fr.coffre.blocking.Await;
import fr.coffre.event.DocumentEvent;
import fr.coffre.event.DocumentStored;
import fr.coffre.event.EventCodec;
import fr.coffre.event.Redelivery;
import fr.coffre.event.UnreadableEventException;
import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.observability.DocumentTelemetry;
import fr.coffre.observability.LogSafe;
import fr.coffre.observability.Traceparent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes ingestion events in the {@code coffre-indexer} group. Documents are indexed with a
 * bounded concurrency (the {@code indexing} worker pool, one per core by default); an offset is
 * committed once its record is handled, and when the pool is busy the consumer stops fetching.
 * A document that fails for a passing reason goes to the retry topic with a due time, so it does
 * not hold back the documents behind it; after the last attempt, to the dead-letter topic.
 */
@ApplicationScoped
public class IndexingWorker {

    private static final Logger LOG = Logger.getLogger(IndexingWorker.class);
    private static final Duration SEND_RETRY = Duration.ofSeconds(5);
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> MESSAGING_DESTINATION =
            AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> MESSAGING_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    private static final AttributeKey<Long> ATTEMPT_ATTRIBUTE = AttributeKey.longKey("coffre.indexing.attempt");
    private static final AttributeKey<String> RESULT_ATTRIBUTE = AttributeKey.stringKey("coffre.indexing.result");

    private final IndexingService indexing;
    private final IndexingConfig config;
    private final MutinyEmitter<String> redelivery;
    private final String retryTopic;
    private final String deadLetterTopic;
    private final Tracer tracer;
    private final String groupId;
    private final Await await;

    public IndexingWorker(
            IndexingService indexing,
            IndexingConfig config,
            KafkaTopicsConfig topics,
            @Channel("redelivery") MutinyEmitter<String> redelivery,
            Tracer tracer,
            Await await) {
        this.await = await;
        this.indexing = indexing;
        this.config = config;
        this.redelivery = redelivery;
        this.tracer = tracer;
        this.groupId = topics.indexingGroup();
        this.retryTopic = topics.topics().documentsRetry().name();
        this.deadLetterTopic = topics.topics().documentsDeadLetter().name();
    }

    @Incoming("indexing")
    @Blocking(value = "indexing", ordered = false)
    public void onStored(ConsumerRecord<String, String> record) {
        handle(record, 0);
    }

    /** Retries wait for their due time here, on their own pool, away from fresh documents. */
    @Incoming("indexing-retries")
    @Blocking(value = "indexing-retries", ordered = false)
    public void onRetry(ConsumerRecord<String, String> record) throws InterruptedException {
        Redelivery redelivery = Redelivery.readFrom(record.headers());
        long wait = redelivery.notBefore() - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(Math.min(wait, config.maxRetryBackoff().toMillis()));
        }
        handle(record, redelivery.attempt());
    }

    /**
     * Indexes the record's document in a span that continues the upload's trace (the record's
     * traceparent header, set by the outbox relay), with the document id in the log MDC.
     */
    void handle(ConsumerRecord<String, String> record, int attempt) {
        if (!(read(record) instanceof DocumentStored stored)) {
            return;
        }
        UUID documentId = stored.documentId();
        Span span = tracer.spanBuilder("index document")
                .setParent(Traceparent.parent(Redelivery.text(record.headers(), Traceparent.HEADER)))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(MESSAGING_DESTINATION, record.topic())
                .setAttribute(MESSAGING_GROUP, groupId)
                .setAttribute(DocumentTelemetry.ATTRIBUTE, documentId.toString())
                .setAttribute(ATTEMPT_ATTRIBUTE, attempt + 1L)
                .startSpan();
        try (Scope scope = span.makeCurrent();
                var log = DocumentTelemetry.inLogs(documentId)) {
            attempt(record, documentId, attempt, span);
        } finally {
            span.end();
        }
    }

    private void attempt(ConsumerRecord<String, String> record, UUID documentId, int attempt, Span span) {
        try {
            span.setAttribute(RESULT_ATTRIBUTE, indexing.index(documentId).name());
        } catch (TransientIndexingException e) {
            int next = attempt + 1;
            String reason = e.getMessage();
            span.setStatus(StatusCode.ERROR, reason);
            if (next >= config.maxAttempts()) {
                span.setAttribute(RESULT_ATTRIBUTE, "DEAD_LETTERED");
                LOG.warnf("Document %s failed %d times, dead-lettered: %s", documentId, next, reason);
                send(deadLetterTopic, record, next, 0, reason);
                indexing.fail(documentId, "dead-lettered after " + next + " attempts: " + reason);
            } else {
                span.setAttribute(RESULT_ATTRIBUTE, "RETRY");
                long delay = Math.min(
                        config.retryBackoff().toMillis() << Math.min(attempt, 20),
                        config.maxRetryBackoff().toMillis());
                LOG.infof("Document %s will be retried in %d ms (attempt %d): %s", documentId, delay, next + 1, reason);
                send(retryTopic, record, next, System.currentTimeMillis() + delay, reason);
            }
        }
    }

    private static DocumentEvent read(ConsumerRecord<String, String> record) {
        try {
            return EventCodec.decode(record.value());
        } catch (UnreadableEventException e) {
            LOG.errorf("Skipping an unreadable event at %s-%d@%d", record.topic(), record.partition(), record.offset());
            return null;
        }
    }

    // The record's offset is committed only after this returns, so it keeps trying while Kafka is away.
    private void send(String topic, ConsumerRecord<String, String> record, int attempt, long notBefore, String reason) {
        RecordHeaders headers = new RecordHeaders();
        new Redelivery(attempt, notBefore, reason).writeTo(headers);
        // The next attempt (or a replay) continues this attempt's trace.
        String traceparent = Traceparent.current();
        if (traceparent != null) {
            headers.add(Traceparent.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        var metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        while (true) {
            try {
                await.result(redelivery.sendMessage(Message.of(record.value()).addMetadata(metadata)));
                return;
            } catch (RuntimeException e) {
                LOG.warnf("Could not send to %s yet, trying again: %s", topic, LogSafe.describe(e));
                try {
                    Thread.sleep(SEND_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("stopping before the document could be passed on", interrupted);
                }
            }
        }
    }
}
