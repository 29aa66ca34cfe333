package fr.coffre.mhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ListResource;
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
    void aNumberPastWhatADecimalHoldsIsRefusedAsMalformed() {
        // Found by FhirPayloadFuzzTest: the first exponent made the parser throw a NumberFormatException.
        for (String number : List.of("1e999999279035121518989", "1e5000", "1e-5000")) {
            String body = "{\"resourceType\": \"DocumentReference\", \"content\": [{\"attachment\": {\"size\": "
                    + number + "}}]}";

            ProblemException e = assertThrows(ProblemException.class, () -> reader.read(json(body), 1 << 20), number);

            assertEquals(400, e.problem().status(), number);
            assertTrue(
                    e.problem().detail().contains("/content/0/attachment/size"),
                    e.problem().detail());
        }
    }

    @Test
    void aTemporaryFileThatCannotBeWrittenIsTheInstancesFailureNotTheRequests() throws Exception {
        // /dev/full answers every write with "no space left on device", as a full disk does.
        var full = new FhirPayloadReader.SpoolFile(Files.newOutputStream(Path.of("/dev/full")));
        var failure = assertThrows(FhirPayloadReader.SpoolFile.Failure.class, () -> {
            full.write(new byte[8192], 0, 8192);
            full.close();
        });

        ProblemException answer = failure.answer(FhirPayloadReader.Budget.UNLIMITED);
        assertEquals(503, answer.problem().status());
        assertTrue(answer.is(ProblemType.OVERLOADED));
        assertEquals(Duration.ofSeconds(5), answer.retryAfter());
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

    @Test
    void xmlDataIsDecodedToFilesKeyedAsInJsonAndTheRestKeptAsText() throws Exception {
        byte[] document = "Compte rendu de sortie, établi à Lyon.".getBytes(StandardCharsets.UTF_8);
        String data = Base64.getEncoder().encodeToString(document);
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- un lot -->"
                + "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"transaction\"/>"
                + "<entry><resource><List><title value=\"Synthèse &amp; suite\"/></List></resource></entry>"
                + "<entry><resource><DocumentReference><content><attachment><contentType value=\"text/plain\"/>"
                + "<data value=\"" + data.substring(0, 8) + "\n  " + data.substring(8) + "\"/>"
                + "</attachment></content></DocumentReference></resource></entry>"
                + "<entry><resource><Binary><contentType value=\"text/plain\"/><data value='" + data + "'>"
                + " </data>"
                + "</Binary></resource></entry></Bundle>";

        Path first;
        try (var read = reader.read(json(body), 1 << 20, 1 << 20, FhirFormat.XML)) {
            assertEquals("Bundle", read.resourceType());
            var inReference = read.payloads().get("/entry/1/resource/content/0/attachment/data");
            var inBinary = read.payloads().get("/entry/2/resource/data");
            assertArrayEquals(document, Files.readAllBytes(inReference.file()));
            assertArrayEquals(document, Files.readAllBytes(inBinary.file()));
            first = inReference.file();
            var bundle = read.parse(new Fhir(), Bundle.class);
            assertEquals(
                    "Synthèse & suite", ((ListResource) bundle.getEntry().get(0).getResource()).getTitle());
            assertFalse(((Binary) bundle.getEntry().get(2).getResource()).hasData());
        }
        assertFalse(Files.exists(first));
    }

    @Test
    void anXmlBodyWithADoctypeOrBrokenBase64IsRefusedAndLeavesNoFile() throws Exception {
        long before = spooled();
        for (String body : List.of(
                "<!DOCTYPE DocumentReference [<!ENTITY x \"y\">]><DocumentReference xmlns=\"http://hl7.org/fhir\"/>",
                "<DocumentReference xmlns=\"http://hl7.org/fhir\"><content><attachment><data value=\"QUJD\"/>"
                        + "<data value=\"!!!!\"/></attachment></content></DocumentReference>",
                "<DocumentReference xmlns=\"http://hl7.org/fhir\"><content><attachment><data value=\"QUJ\"/>",
                "<DocumentReference xmlns=\"http://hl7.org/fhir\"><content></attachment></content></DocumentReference>",
                "<a/><b/>",
                // a second value, an attribute after the value, two data elements at one place: refused, no file left
                "<DocumentReference xmlns=\"http://hl7.org/fhir\"><content><attachment><data value=\"QUJD\""
                        + " id=\"d\"/></attachment></content></DocumentReference>",
                "<DocumentReference xmlns=\"http://hl7.org/fhir\"><content><attachment><data value=\"QUJD\"/>"
                        + "<data value=\"QUJD\"/></attachment></content></DocumentReference>",
                // FHIR XML is UTF-8
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><DocumentReference xmlns=\"http://hl7.org/fhir\"/>",
                "<a/>" + "<b/>")) {
            ProblemException e = assertThrows(
                    ProblemException.class, () -> reader.read(json(body), 1 << 20, 1 << 20, FhirFormat.XML));
            assertEquals(400, e.problem().status(), body);
        }
        assertEquals(before, spooled());
    }

    @Test
    void xmlThatIsNotUtf8OrLongerThanItsContentMayMakeItIsRefused() {
        byte[] latin1 =
                "<DocumentReference xmlns=\"http://hl7.org/fhir\"><description value=\"op\u00e9ratoire\"/></DocumentReference>"
                        .getBytes(StandardCharsets.ISO_8859_1);
        ProblemException notUtf8 = assertThrows(
                ProblemException.class,
                () -> reader.read(new ByteArrayInputStream(latin1), 1 << 20, 1 << 20, FhirFormat.XML));
        assertEquals(400, notUtf8.problem().status());

        String flood = "<DocumentReference xmlns=\"http://hl7.org/fhir\"><content><attachment><data value=\"QUJD"
                + " ".repeat(12 << 20) + "\"/></attachment></content></DocumentReference>";
        ProblemException tooLong =
                assertThrows(ProblemException.class, () -> reader.read(json(flood), 1000, 1000, FhirFormat.XML));
        assertEquals("request-too-large", tooLong.problem().slug());
    }

    @Test
    void xmlWithAPrefixedNamespaceOrWrappedBase64IsReadAsAnyOther() throws Exception {
        byte[] document = "Compte rendu.".getBytes(StandardCharsets.UTF_8);
        String data = Base64.getEncoder().encodeToString(document);
        String body = "<f:DocumentReference xmlns:f=\"http://hl7.org/fhir\"><f:content><f:attachment>"
                + "<f:data value=\"" + data.substring(0, 4) + "&#xA;" + data.substring(4) + "\"/>"
                + "</f:attachment></f:content><f:content/></f:DocumentReference>";

        try (var read = reader.read(json(body), 1 << 20, 1 << 20, FhirFormat.XML)) {
            assertEquals("DocumentReference", read.resourceType());
            assertArrayEquals(
                    document,
                    Files.readAllBytes(
                            read.payloads().get("/content/0/attachment/data").file()));
        }
    }

    /** A budget of a fixed size, as SpoolBudget is with its configuration. */
    static final class Room implements FhirPayloadReader.Budget {
        final long size;
        long used;

        Room(long size) {
            this.size = size;
        }

        @Override
        public void reserve(long bytes) {
            if (used + bytes > size) {
                throw ProblemException.retryLater(ProblemType.OVERLOADED, "full", Duration.ofSeconds(1));
            }
            used += bytes;
        }

        @Override
        public void release(long bytes) {
            used -= bytes;
        }
    }

    @Test
    void readsHeldAtOnceShareTheRoomForTheirFilesAndGiveItBackWhenClosed() throws Exception {
        String body = "{\"resourceType\": \"Binary\", \"data\": \""
                + Base64.getEncoder().encodeToString(new byte[600]) + "\"}";
        Room room = new Room(1000);
        FhirPayloadReader shared = new FhirPayloadReader(room, Path.of(System.getProperty("java.io.tmpdir")));
        long before = spooled();

        try (var first = shared.read(json(body), 1 << 20)) {
            assertEquals(600, room.used);
            ProblemException full = assertThrows(ProblemException.class, () -> shared.read(json(body), 1 << 20));
            assertEquals(503, full.problem().status());
            assertEquals(600, room.used, "the refused read gave back what it had taken");
        }
        assertEquals(0, room.used);
        try (var again = shared.read(json(body), 1 << 20)) {
            assertEquals(600, again.payloads().values().iterator().next().size());
        }
        assertEquals(0, room.used);
        assertEquals(before, spooled());
    }

    private static long spooled() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("coffre-fhir-"))
                    .count();
        }
    }
}
