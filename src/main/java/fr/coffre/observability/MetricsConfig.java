package fr.coffre.observability;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How often the metrics that need a query are measured (the rest are counted as things happen). */
@ConfigMapping(prefix = "coffre.metrics")
public interface MetricsConfig {

    /**
     * How often {@code coffre_documents} counts the documents by status: a scan of the document
     * table, so not too often on a large one.
     */
    @WithDefault("PT1M")
    Duration documentsByStatusInterval();

    /** How often {@code coffre_indexing_lag_records} asks Kafka for the indexing consumer group's lag. */
    @WithDefault("PT15S")
    Duration indexingLagInterval();
}
