package fr.coffre.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Test
    void eachDocumentDeclaresTheSha256OfItsFileUnlessItsSidecarDeclaresOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.pdf"), "%PDF-1.4 a");
        Files.writeString(dir.resolve("b.pdf"), "%PDF-1.4 b");
        String declared = "0".repeat(64);
        Files.writeString(dir.resolve("b.pdf" + Document.SIDECAR), "{\"sha256\": \"" + declared + "\"}");
        List<Document> documents = Document.from(dir, List.of());
        ObjectMapper json = new ObjectMapper();

        ObjectNode a = Push.manifestEntry(json, documents.get(0), "document-0");
        ObjectNode b = Push.manifestEntry(json, documents.get(1), "document-1");

        assertEquals("document-0", a.get("part").asText());
        assertEquals(
                HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(Files.readAllBytes(dir.resolve("a.pdf")))),
                a.get("sha256").asText());
        assertEquals(declared, b.get("sha256").asText(), "the sidecar's, which the service refuses if it is wrong");
    }
}
