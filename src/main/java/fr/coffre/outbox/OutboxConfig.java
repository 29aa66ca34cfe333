package fr.coffre.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "coffre.outbox")
public interface OutboxConfig {

    /**
     * Milliseconds between two passes of the relay when nothing wakes it: a commit wakes it at
     * once, so this bounds the delay of events written by another instance or left by a failure.
     */
    @WithDefault("500")
    long pollInterval();

    /**
     * How long a relay holds a batch it is sending. Longer than the outbox channel's Kafka
     * delivery timeout (15 s), so that a batch still travelling is not sent twice; a relay that
     * died leaves its batch to the others after this.
     */
    @WithDefault("30s")
    Duration claim();
}
