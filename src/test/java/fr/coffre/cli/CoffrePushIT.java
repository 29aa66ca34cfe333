package fr.coffre.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cli/coffre-push against the packaged service on the local stack, as an integrator runs it: a
 * folder of reports sent as submission sets under a producer quota that answers 429 (the tool
 * waits as told), killed in the middle, then run again: nothing the journal saw accepted is sent
 * again, every document ends up stored once, and the one bad file is reported (issue 17).
 */
class CoffrePushIT {

    private static final int DOCUMENTS = 30;
    private static final Path LAUNCHER = Path.of("cli/coffre-push").toAbsolutePath();

    @Test
    void aFolderIsPushedResumedAfterAKillAndReported(@TempDir Path work) throws Exception {
        String run = "PUSH-" + UUID.randomUUID().toString().substring(0, 8);
        Path folder = Files.createDirectory(work.resolve("reports"));
        String sample = Files.readString(Path.of("samples/cr-bio-glycemie.xml"));
        for (int i = 0; i < DOCUMENTS; i++) {
            Files.writeString(
                    folder.resolve(String.format("cr-%02d.xml", i)),
                    sample.replace("COFFRE-SAMPLE-CR-BIO-0001", run + "-" + i));
        }
        // Plain text names no patient, and no metadata says whose it is: refused.
        Files.writeString(folder.resolve("note.txt"), "Compte rendu sans patient", StandardCharsets.UTF_8);
        Path journal = work.resolve("reports.coffre-push.journal");
        Path report = work.resolve("reports.coffre-push.csv");

        // A slow producer quota, one document a second and two at once, for sets of three: the
        // server answers 429 with Retry-After within a set, however slowly a busy machine sends.
        Map<String, String> quota = Map.of("COFFRE_INGEST_PRODUCER_RATE", "1", "COFFRE_INGEST_PRODUCER_BURST", "2");
        try (ServiceProcess service = new ServiceProcess("push", 18184, List.of(), quota).start()) {
            Process first = push(service, work.resolve("first.log"), folder);
            await("the first run has journaled some documents")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> lines(journal) >= 6 || !first.isAlive());
            assertTrue(
                    first.isAlive(),
                    "the first run ended before it could be interrupted: "
                            + Files.readString(work.resolve("first.log")));
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            long journaledBefore = lines(journal);

            Process second = push(service, work.resolve("second.log"), folder);
            assertTrue(second.waitFor(3, TimeUnit.MINUTES), "the second run ended");
            String output = Files.readString(work.resolve("second.log"));
            assertEquals(2, second.exitValue(), "one document was rejected:\n" + output);

            String summary = output.lines()
                    .filter(l -> l.startsWith((DOCUMENTS + 1) + " documents:"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(output));
            long created = number(summary, "created");
            long duplicates = number(summary, "duplicates");
            long skipped = number(summary, "skipped");
            assertEquals(DOCUMENTS, created + duplicates + skipped, summary);
            assertTrue(skipped >= journaledBefore - 2, "what the journal saw accepted is not sent again: " + summary);
            assertTrue(duplicates <= 3, "at most the set in flight at the kill is sent twice: " + summary);
            assertTrue(output.contains("rejected " + folder.resolve("note.txt") + ": missing-patient"), output);
            assertTrue(
                    Files.readString(work.resolve("first.log")).contains("the server asks to wait")
                            || output.contains("the server asks to wait"),
                    "the quota's 429 was waited out");

            assertEquals(
                    DOCUMENTS,
                    Database.count("SELECT count(*) FROM document WHERE unique_id LIKE ?", "%^" + run + "-%"),
                    "every report stored once");
            List<String> csv = Files.readAllLines(report);
            assertEquals(DOCUMENTS + 2, csv.size(), "a header and a row per document");
            assertTrue(csv.get(0).startsWith("path,sha256,outcome,document_id,problem"));
            assertTrue(csv.stream().anyMatch(l -> l.contains("note.txt") && l.contains(",rejected,")), csv.toString());
        }
    }

    private static Process push(ServiceProcess service, Path log, Path folder) throws IOException {
        return new ProcessBuilder(
                        LAUNCHER.toString(),
                        "--url",
                        service.baseUrl(),
                        "--client-id",
                        "labo-biomed-sil",
                        "--client-secret",
                        "labo-biomed-local-secret",
                        "--batch",
                        "3",
                        folder.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private static long number(String summary, String word) {
        Matcher m = Pattern.compile("(\\d+) " + word).matcher(summary);
        assertTrue(m.find(), word + " in " + summary);
        return Long.parseLong(m.group(1));
    }
}
