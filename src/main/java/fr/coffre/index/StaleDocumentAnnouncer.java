package fr.coffre.index;

import fr.coffre.blocking.Await;
import fr.coffre.database.Transactions;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.PatientKey;
import fr.coffre.event.DocumentStored;
import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.observability.LogSafe;
import fr.coffre.outbox.OutboxRelay;
import fr.coffre.outbox.OutboxRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Announces again, through the outbox, the documents still STORED {@code coffre.indexing.stale-after}
 * after they were received: their event was consumed without being indexed (a worker stopped
 * between taking a record and indexing it, records a stopping consumer gave up on), and nothing
 * else would ever index them. Runs on worker instances; instances share the work through SKIP
 * LOCKED, and a document is announced again at most once per period. Indexing is idempotent.
 */
@ApplicationScoped
public class StaleDocumentAnnouncer {

    private static final Logger LOG = Logger.getLogger(StaleDocumentAnnouncer.class);
    static final int BATCH = 500;

    private final Transactions transactions;
    private final DocumentRepository documents;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final Vertx vertx;
    private final Await await;
    private final String storedTopic;
    private final Duration staleAfter;
    private final boolean worker;
    private long timer = -1;

    public StaleDocumentAnnouncer(
            Transactions transactions,
            DocumentRepository documents,
            OutboxRepository outbox,
            OutboxRelay relay,
            Vertx vertx,
            Await await,
            KafkaTopicsConfig topics,
            IndexingConfig config,
            // A setting rather than the roles' mapping: index sits below roles.
            @ConfigProperty(name = "coffre.role.worker", defaultValue = "true") boolean worker) {
        this.transactions = transactions;
        this.documents = documents;
        this.outbox = outbox;
        this.relay = relay;
        this.vertx = vertx;
        this.await = await;
        this.storedTopic = topics.topics().documentsStored().name();
        this.staleAfter = config.staleAfter();
        this.worker = worker;
    }

    void onStart(@Observes StartupEvent event) {
        if (!worker) {
            return;
        }
        timer = vertx.setPeriodic(
                Math.max(1000, staleAfter.toMillis() / 4),
                id -> vertx.executeBlocking(() -> announce(staleAfter), false)
                        .subscribe()
                        .with(
                                n -> {},
                                failure -> LOG.warnf(
                                        "Could not look for documents left STORED: %s", LogSafe.describe(failure))));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Blocking; how many documents were announced again. */
    public int announce(Duration olderThan) {
        List<Document> stale = await.result(transactions.run(connection -> documents
                .claimStale(connection, olderThan, BATCH)
                .call(found -> found.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Uni.join()
                                .all(found.stream()
                                        .map(document -> outbox.append(
                                                connection,
                                                storedTopic,
                                                PatientKey.of(document.patient()),
                                                DocumentStored.of(document),
                                                null))
                                        .toList())
                                .andFailFast()
                                .replaceWithVoid())));
        if (!stale.isEmpty()) {
            LOG.warnf(
                    "Announced again %d documents still STORED %s after they were received: their events were lost",
                    stale.size(), olderThan);
            relay.wakeUp();
        }
        return stale.size();
    }
}
