package fr.coffre.index;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The limits the workers' extractor runs under (see {@link fr.coffre.extraction.ExtractionLimits}). */
@ConfigMapping(prefix = "coffre.extraction")
public interface ExtractionConfig {

    /** Largest document extracted; a bigger one is QUARANTINED {@code too-large}. */
    @WithDefault("268435456")
    long maxDocumentBytes();

    /** Text kept per document; the rest is cut and flagged, never failed. */
    @WithDefault("1048576")
    int maxTextChars();

    /** The most one extraction may take; past it, its process is stopped and the document quarantined. */
    @WithDefault("PT30S")
    Duration parseTimeout();

    /**
     * The JVM options of the extraction processes (one per extraction running at once, reused):
     * their heap bounds what one document's parse may use. Their standard output carries the
     * extraction protocol: the JVM's own messages go to stderr, and an option that logs to stdout
     * (e.g. {@code -Xlog:gc}) stops every extraction.
     */
    @WithDefault("-XX:+UseSerialGC,-Xmx256m")
    List<String> processJavaOptions();

    /**
     * Extraction processes alive at most (about 430 MiB each once warm); extractions beyond them
     * wait for one. One per core by default: parsing is CPU-bound.
     */
    Optional<Integer> maxProcesses();

    /**
     * Set by a training run only (`./coffre train`): the folder where each extraction process
     * records, as it ends, what its JVM loaded and compiled ({@code -XX:AOTMode=record}), and where
     * their AOT cache is made of it when this instance stops.
     */
    Optional<Path> aotTraining();
}
