package fr.coffre.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is decided before anything is sent: no server is reached in these. */
class PushTest {

    @Test
    void aDocumentWhoseSidecarIsNotAJsonObjectIsRejectedAndReportedWithoutBeingSent(@TempDir Path dir)
            throws Exception {
        Path folder = Files.createDirectory(dir.resolve("batch"));
        Files.writeString(folder.resolve("a.pdf"), "%PDF-1.4");
        Files.writeString(folder.resolve("a.pdf" + Document.SIDECAR), "[\"not an object\"]");
        Files.writeString(folder.resolve("b.pdf"), "%PDF-1.4 b");
        Files.writeString(folder.resolve("b.pdf" + Document.SIDECAR), "{\"patient\": ");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // Nothing listens on port 1: a request would fail the run (exit 1), not reject documents.
        int exit = Push.run(
                new String[] {"--url", "http://127.0.0.1:1", "--token-url", "http://127.0.0.1:1/token", folder.toString()},
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        String summary = out.toString(StandardCharsets.UTF_8);
        assertEquals(Push.REJECTED, exit, summary);
        assertTrue(summary.contains("2 documents: 0 created, 0 duplicates"), summary);
        assertTrue(summary.contains("a.pdf: invalid-sidecar:") && summary.contains("holds no JSON object"), summary);
        assertTrue(summary.contains("b.pdf: invalid-sidecar:") && summary.contains("is not JSON"), summary);
        List<String> report = Files.readAllLines(dir.resolve("batch.coffre-push.csv"));
        assertEquals(3, report.size(), report.toString());
        assertTrue(report.get(1).contains(",rejected,"), report.toString());
    }
}
