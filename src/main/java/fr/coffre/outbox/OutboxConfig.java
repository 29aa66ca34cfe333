package fr.coffre.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "coffre.outbox")
public interface OutboxConfig {

    /**
     * Milliseconds between two passes of the relay when nothing wakes it: a commit wakes it at
     * once, so this bounds the delay of events written by another instance or left by a failure.
     */
    @WithDefault("500")
    long pollInterval();
}
