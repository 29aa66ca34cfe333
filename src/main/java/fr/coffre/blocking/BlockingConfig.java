package fr.coffre.blocking;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "coffre.blocking")
public interface BlockingConfig {

    /**
     * The longest a virtual or worker thread waits for one reactive call (a query, a transaction,
     * an object written or deleted, a record sent): past it the call counts as failed, so a stuck
     * dependency costs a 503 or a retry rather than a thread.
     */
    @WithDefault("PT30S")
    Duration timeout();
}
