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
     * How long a woken relay waits before its pass, so that the uploads committed meanwhile go out
     * in the same claim, Kafka request and delete rather than one pass each (as Kafka's own
     * {@code linger.ms}). Adds this much to an event's way to Kafka; 0 relays at once.
     */
    @WithDefault("200ms")
    Duration linger();

    /**
     * How long a relay holds a batch it is sending. Longer than the outbox channel's Kafka
     * delivery timeout (15 s), so that a batch still travelling is not sent twice; a relay that
     * died leaves its batch to the others after this.
     */
    @WithDefault("30s")
    Duration claim();
}
