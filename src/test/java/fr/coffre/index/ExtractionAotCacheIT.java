package fr.coffre.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extraction processes' AOT cache, against the packaged application as `./coffre train` and
 * `./coffre up` run it: a worker in training has its extraction processes record what their JVMs
 * load, and makes their cache of it as it stops; the next worker of that build starts its
 * extraction processes from that cache (their JVM maps the file).
 */
class ExtractionAotCacheIT {

    private static final int PORT = 18206;
    private static final Map<String, String> DOCUMENTS =
            Map.of("pdf/CR-BIO_TSH_rendition.pdf", "application/pdf", "img/OPH-CR-RTN_retinographie.jpg", "image/jpeg");

    @Test
    void aTrainedWorkerLeavesACacheThatTheNextWorkersExtractionProcessesStartFrom(@TempDir Path root) throws Exception {
        Path app = copyOfTheBuild(root);
        Path aot = Files.createDirectories(app.resolve("aot"));

        try (ServiceProcess training = service(
                        "aot-training", app, Map.of("COFFRE_EXTRACTION_AOT_TRAINING", aot.toString()))
                .start()) {
            indexAll(training);
            // Its extraction processes record as they end, and the cache is made of it: about a minute.
            training.stop(Duration.ofMinutes(4));
        }
        Path cache = aot.resolve("extraction.aot");
        assertTrue(Files.isRegularFile(cache) && Files.size(cache) > 0, "the training left " + listing(aot));
        try (Stream<Path> left = Files.list(aot)) {
            assertTrue(left.noneMatch(file -> file.toString().endsWith(".aotconf")), "the recordings are gone");
        }

        try (ServiceProcess worker = service("aot-use", app, Map.of()).start()) {
            indexAll(worker);
            ProcessHandle extraction = worker.handle().children().findFirst().orElseThrow();
            String mapped = Files.readString(Path.of("/proc/" + extraction.pid() + "/maps"));
            assertTrue(mapped.contains(cache.toString()), "the extraction process maps " + cache);
        }
    }

    /**
     * A service whose documents only it indexes: a topic and a consumer group of its own, where the
     * other services of the test run (a worker of the shared group takes a share of the partitions)
     * would have extracted some of them in their own processes. Its uploads' outbox rows name its
     * topic, whichever service relays them.
     */
    private static ServiceProcess service(String name, Path app, Map<String, String> environment) {
        List<String> command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                app.resolve("quarkus-run.jar").toString());
        Map<String, String> own = new HashMap<>(environment);
        own.put("COFFRE_KAFKA_TOPICS_DOCUMENTS_STORED_NAME", "coffre.documents.stored.aot-it");
        own.put("COFFRE_KAFKA_INDEXING_GROUP", "coffre-indexer-aot-it");
        return ServiceProcess.command(name, PORT, command, app, own);
    }

    private static void indexAll(ServiceProcess service) throws Exception {
        for (Map.Entry<String, String> document : DOCUMENTS.entrySet()) {
            String id = service.upload(KeycloakTokens.laboratory(), document.getKey(), document.getValue());
            assertEquals("INDEXED", Database.awaitConcluded(id), Database.statusReason(id));
        }
    }

    /** target/quarkus-app with its files' times, as `./coffre up` copies it: the cache holds them. */
    private static Path copyOfTheBuild(Path root) throws IOException {
        Path build = Path.of("target/quarkus-app");
        Path copy = root.resolve("quarkus-app");
        try (Stream<Path> files = Files.walk(build)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(build.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.startsWith(build.resolve("aot"))) {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    private static List<Path> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
