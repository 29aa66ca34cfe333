package fr.coffre.index;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The limits the workers' extractor runs under (see {@link fr.coffre.extraction.ExtractionLimits}). */
@ConfigMapping(prefix = "coffre.extraction")
public interface ExtractionConfig {

    /** Largest document extracted; a bigger one is QUARANTINED {@code too-large}. */
    @WithDefault("268435456")
    long maxDocumentBytes();

    /** Text kept per document; the rest is cut and flagged, never failed. */
    @WithDefault("1048576")
    int maxTextChars();

    /** The most one extraction may take; past it, it is abandoned. */
    @WithDefault("PT30S")
    Duration parseTimeout();

    /** Abandoned parses still running past which the extractor refuses new work (retried later). */
    @WithDefault("4")
    int maxAbandonedParses();
}
