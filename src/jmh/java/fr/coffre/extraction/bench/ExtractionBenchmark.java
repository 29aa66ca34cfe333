package fr.coffre.extraction.bench;

import fr.coffre.extraction.DocumentExtractor;
import fr.coffre.extraction.ExtractedContent;
import fr.coffre.extraction.ExtractionChild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Extraction throughput per kind of document (documents per second, one thread), through the
 * public {@link DocumentExtractor} API as the indexing worker calls it, on files of the shared
 * corpus (read in place, never copied into the repository).
 *
 * <p>Not part of the normal build: it lives in src/jmh/java and is compiled and run by the
 * {@code jmh} Maven profile. Run it on a quiet machine, for example:
 * <pre>
 * ./mvnw -B -Pjmh test-compile exec:exec@jmh
 * ./mvnw -B -Pjmh test-compile exec:exec@jmh -Djmh.args="ExtractionBenchmark -f 1 -wi 1 -w 1s -i 2 -r 1s"
 * ./mvnw -B -Pjmh test-compile exec:exec@jmh -Djmh.args="ExtractionBenchmark -p kind=pdf,cda-l3 -t 2"
 * </pre>
 * The corpus is taken from the {@code coffre.corpus} system property (the profile sets it to
 * ../shared/corpus).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ExtractionBenchmark {

    @Param({"cda-l3", "cda-l1", "fhir", "pdf", "image", "text"})
    public String kind;

    private DocumentExtractor extractor;
    private Path file;
    private Path generated;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        // As the extraction processes run: left on, fontbox builds its debug strings for every font.
        ExtractionChild.quietLogging();
        Path corpus = Path.of(System.getProperty("coffre.corpus", "../shared/corpus"));
        extractor = new DocumentExtractor();
        file = switch (kind) {
            case "cda-l3" -> corpus.resolve("cda/LDL-SES_2022.01.xml");
            case "cda-l1" -> corpus.resolve("cda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml");
            case "fhir" -> corpus.resolve("fhir/Bundle-example-td2-iti65-lot-soumission.json");
            case "pdf" -> corpus.resolve("pdf/CR-BIO_TSH_rendition.pdf");
            case "image" -> corpus.resolve("img/OPH-CR-RTN_retinographie.jpg");
            case "text" -> plainText(corpus.resolve("cda/LDL-SES_2022.01.xml"));
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("corpus file not found: " + file + " (set -Dcoffre.corpus)");
        }
    }

    /** The corpus has no plain-text document: the text of a real letter stands in for one. */
    private Path plainText(Path cda) throws IOException {
        String text = extractor.extract(cda).text();
        generated = Files.createTempFile("coffre-bench-", ".txt");
        Files.writeString(generated, text, StandardCharsets.UTF_8);
        return generated;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        extractor.close();
        if (generated != null) {
            Files.deleteIfExists(generated);
        }
    }

    @Benchmark
    public ExtractedContent extract() throws IOException {
        return extractor.extract(file);
    }
}
