package fr.coffre.mhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fr.coffre.problem.ProblemException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class FhirPayloadReaderTest {

    final FhirPayloadReader reader = new FhirPayloadReader();

    static ByteArrayInputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dataIsDecodedToAFileWhateverComesAfterItAndTheFileGoesWhenTheReadIsClosed() throws Exception {
        byte[] document = "Compte rendu de sortie.".getBytes(StandardCharsets.UTF_8);
        String body = "{\"resourceType\": \"DocumentReference\", \"content\": [{\"attachment\": {\"data\": \""
                + Base64.getEncoder().encodeToString(document) + "\"}}], \"description\": \"after the data\"}";

        Path file;
        try (var read = reader.read(json(body), 1 << 20)) {
            var payload = read.payloads().get("/content/0/attachment/data");
            file = payload.file();
            assertArrayEquals(document, Files.readAllBytes(file));
            assertEquals(document.length, payload.size());
            assertEquals("after the data", read.resource().path("description").asText());
            assertFalse(
                    read.resource().path("content").get(0).path("attachment").has("data"));
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void metadataHeldInMemoryAreBoundedAltogetherNotOnlyStringByString() {
        String many = String.join(",", Collections.nCopies(40_000, "\"" + "x".repeat(60) + "\""));
        String body = "{\"resourceType\": \"DocumentReference\", \"identifier\": [" + many + "]}";

        ProblemException e = assertThrows(ProblemException.class, () -> reader.read(json(body), 1 << 20));

        assertEquals(413, e.problem().status());
    }

    @Test
    void aPayloadPastTheLimitIsRefusedAndItsFileRemoved() throws Exception {
        String body = "{\"resourceType\": \"Binary\", \"data\": \""
                + Base64.getEncoder().encodeToString(new byte[2048]) + "\"}";
        long before = spooled();

        ProblemException e = assertThrows(ProblemException.class, () -> reader.read(json(body), 1024));

        assertEquals(413, e.problem().status());
        assertEquals(before, spooled());
    }

    @Test
    void payloadsEachWithinTheirLimitAreRefusedPastTheirTotalAndEveryFileRemoved() throws Exception {
        String data = Base64.getEncoder().encodeToString(new byte[600]);
        String body = "{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": {\"data\": \"" + data
                + "\"}}, {\"resource\": {\"data\": \"" + data + "\"}}]}";
        long before = spooled();

        try (var read = reader.read(json(body), 1024, 1200)) {
            assertEquals(2, read.payloads().size(), "600 and 600 bytes are within 1200");
        }
        ProblemException e = assertThrows(ProblemException.class, () -> reader.read(json(body), 1024, 1000));

        assertEquals("request-too-large", e.problem().slug());
        assertEquals(before, spooled());
    }

    private static long spooled() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("coffre-fhir-"))
                    .count();
        }
    }
}
