package fr.coffre.index;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "coffre.indexing")
public interface IndexingConfig {

    /** Attempts at a document before it goes to the dead-letter topic, FAILED. */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before the first retry; doubled at each further attempt. */
    @WithDefault("PT2S")
    Duration retryBackoff();

    /** The longest wait between two attempts. */
    @WithDefault("PT5M")
    Duration maxRetryBackoff();

    /**
     * A document still STORED this long after it was received has lost its event (a worker stopped
     * between taking the record and indexing it): it is announced again. Longer than the longest
     * retry wait, so that documents waiting for a retry are left alone.
     */
    @WithDefault("PT15M")
    Duration staleAfter();
}
