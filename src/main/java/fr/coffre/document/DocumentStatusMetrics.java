package fr.coffre.document;

import fr.coffre.observability.MetricsConfig;
import fr.coffre.observability.Sampler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code coffre_documents{status}}: how many documents are in each status, read from PostgreSQL's counters
 * every {@code coffre.metrics.documents-by-status-interval} (the same sampling as the indexing
 * backlog's). Every status is always present, 0 when none.
 */
@ApplicationScoped
public class DocumentStatusMetrics {

    static final String NAME = "coffre.documents";

    private final DocumentRepository documents;
    private final MetricsConfig config;
    private final Vertx vertx;
    private final Map<DocumentStatus, AtomicLong> counts = new EnumMap<>(DocumentStatus.class);
    private Sampler<Map<DocumentStatus, Long>> sampler;

    public DocumentStatusMetrics(
            DocumentRepository documents, MetricsConfig config, Vertx vertx, MeterRegistry registry) {
        this.documents = documents;
        this.config = config;
        this.vertx = vertx;
        for (DocumentStatus status : DocumentStatus.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(status, count);
            Gauge.builder(NAME, count, AtomicLong::get)
                    .description("Documents in each status, as last counted in the database")
                    .tag("status", status.name())
                    .strongReference(true)
                    .register(registry);
        }
    }

    void onStart(@Observes StartupEvent event) {
        sampler = Sampler.every(
                vertx,
                config.documentsByStatusInterval(),
                "the documents by status",
                documents::countByStatus,
                this::update);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (sampler != null) {
            sampler.close();
        }
    }

    private void update(Map<DocumentStatus, Long> latest) {
        counts.forEach((status, count) -> count.set(latest.getOrDefault(status, 0L)));
    }
}
