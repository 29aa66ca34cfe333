package fr.coffre.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared corpus (../shared/corpus), read at run time: its files are templates, never copied
 * into this repository. The location comes from the system property {@code coffre.corpus} or the
 * environment variable {@code COFFRE_CORPUS}, else ../shared/corpus from the repository root
 * (tried from here and from loadtests/).
 */
public final class Corpus {

    private final Path root;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public Corpus(Path root) {
        if (!Files.isRegularFile(root.resolve("manifest.tsv"))) {
            throw new IllegalArgumentException("no corpus at " + root.toAbsolutePath()
                    + " (manifest.tsv missing): set -Dcoffre.corpus=/path/to/shared/corpus");
        }
        this.root = root;
    }

    public static Corpus locate() {
        String configured = Settings.value("coffre.corpus", "COFFRE_CORPUS", null);
        if (configured != null) {
            return new Corpus(Path.of(configured));
        }
        for (String candidate : List.of("../shared/corpus", "../../shared/corpus")) {
            Path path = Path.of(candidate);
            if (Files.isRegularFile(path.resolve("manifest.tsv"))) {
                return new Corpus(path);
            }
        }
        throw new IllegalArgumentException("the corpus was not found at ../shared/corpus from the repository root: "
                + "set -Dcoffre.corpus=/path/to/shared/corpus or COFFRE_CORPUS");
    }

    public Path root() {
        return root;
    }

    /** The bytes of a corpus file (kept: templates are read once); callers must not modify them. */
    public byte[] bytes(String relative) {
        return cache.computeIfAbsent(relative, name -> {
            try {
                return Files.readAllBytes(root.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read corpus file " + name, e);
            }
        });
    }
}
