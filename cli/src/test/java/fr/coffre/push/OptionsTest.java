package fr.coffre.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {

    @Test
    void withNothingButAFolderItTargetsTheLocalStackAndKeepsItsFilesBesideTheFolder(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("reports"));
        Options options = Options.parse(new String[] {folder.toString()}, Map.of());
        assertEquals("http://127.0.0.1:8080", options.url());
        assertEquals("chu-lyon-dpi", options.clientId());
        assertEquals(20, options.batchSize());
        assertEquals(dir.resolve("reports.coffre-push.journal").toAbsolutePath(), options.journal());
        assertEquals(dir.resolve("reports.coffre-push.csv").toAbsolutePath(), options.report());
    }

    @Test
    void variablesAndArgumentsAimItElsewhere(@TempDir Path dir) {
        Options options = Options.parse(
                new String[] {"--batch", "5", "--client-id", "sil-prod", dir.toString()},
                Map.of("COFFRE_PUSH_URL", "https://coffre.example/", "COFFRE_PUSH_CLIENT_SECRET", "s"));
        assertEquals("https://coffre.example", options.url());
        assertEquals("sil-prod", options.clientId());
        assertEquals("s", options.clientSecret());
        assertEquals(5, options.batchSize());
    }

    @Test
    void aMissingSourceOrAnUnknownOptionIsAUsageError(@TempDir Path dir) {
        assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {}, Map.of()));
        assertThrows(
                Options.UsageException.class,
                () -> Options.parse(new String[] {dir.resolve("nothing").toString()}, Map.of()));
        assertThrows(
                Options.UsageException.class,
                () -> Options.parse(new String[] {"--batchsize", "3", dir.toString()}, Map.of()));
    }

    @Test
    void aFolderIsListedWithoutItsSidecarsHiddenFilesOrTheToolsOwnFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.pdf"), "%PDF-1.4");
        Files.writeString(dir.resolve("a.pdf" + Document.SIDECAR), "{}");
        Files.writeString(dir.resolve(".hidden"), "x");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b.xml"), "<ClinicalDocument/>");
        Path report = Files.writeString(dir.resolve("report.csv"), "");

        List<Document> documents = Document.from(dir, List.of(report));

        assertEquals(List.of(dir.resolve("a.pdf").toString(), dir.resolve("sub/b.xml").toString()),
                documents.stream().map(Document::path).toList());
        assertEquals(dir.resolve("a.pdf" + Document.SIDECAR), documents.get(0).metadata());
        assertEquals("application/pdf", documents.get(0).mediaType());
        assertEquals("application/hl7-cda+xml", documents.get(1).mediaType());
    }
}
