package fr.coffre.mhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.GeneratedPdf;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StoredObjects;
import fr.coffre.testing.Uploads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An ITI-65 Bundle whose Binary is larger than the service's whole heap: its base64 data is
 * decoded as it streams in, never held, and the document is stored intact.
 */
class LargeBundleIT {

    static final int HEAP_MIB = 128;
    static final long SIZE = 200L * 1024 * 1024;
    static final String DATA_MARK = "@DATA@";

    @Test
    void aBundleWhoseBinaryIsLargerThanTheHeapIsPublishedWhole() throws Exception {
        publish(bundle("1.2.250.1.999.69." + System.nanoTime()), "application/fhir+json");
    }

    @Test
    void inXmlToo() throws Exception {
        publish(xmlBundle("1.2.250.1.999.70." + System.nanoTime()), "application/fhir+xml");
    }

    void publish(String template, String contentType) throws Exception {
        try (ServiceProcess service = new ServiceProcess(
                        "large-bundle",
                        18205,
                        List.of("-Xmx" + HEAP_MIB + "m"),
                        Map.of("COFFRE_MAX_DOCUMENT_SIZE", String.valueOf(1L << 30)))
                .start()) {
            String[] around = template.split(DATA_MARK);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            InputStream content = new DigestInputStream(new GeneratedPdf(SIZE), sent);
            InputStream body = new SequenceInputStream(Collections.enumeration(List.of(
                    new ByteArrayInputStream(around[0].getBytes(StandardCharsets.UTF_8)),
                    new Base64Stream(content),
                    new ByteArrayInputStream(around[1].getBytes(StandardCharsets.UTF_8)))));

            var answer = service.post("/fhir", KeycloakTokens.hospital(), contentType, body)
                    .get();

            assertEquals(200, answer.statusCode(), answer.body());
            // Answered in the format it was sent in: the document's location, whichever.
            Matcher created =
                    Pattern.compile("DocumentReference/([0-9a-f-]{36})").matcher(answer.body());
            assertTrue(created.find(), answer.body());
            assertTrue(answer.body().contains("201 Created"), answer.body());
            String location = created.group();
            String id = location.substring(location.indexOf('/') + 1);
            String sha256 = HexFormat.of().formatHex(sent.digest());
            List<String> row = Database.strings(
                    "SELECT sha256 || ' ' || size_bytes || ' ' || object_key FROM document WHERE id = ?::uuid", id);
            String[] stored = row.get(0).split(" ");
            assertEquals(sha256, stored[0]);
            assertEquals(SIZE, Long.parseLong(stored[1]));
            assertEquals(sha256, StoredObjects.sha256(stored[2]));
            assertTrue(service.isAlive(), "the service survived the publication");
        }
    }

    /** PDSm's example shape: a List, a DocumentReference, and the Binary whose data is marked for the stream. */
    static String bundle(String uniqueId) {
        String patient = "Patient?identifier=urn:oid:" + Uploads.NIR_TEST + "|" + Uploads.TEST_PATIENT;
        return """
                {"resourceType": "Bundle", "type": "transaction", "entry": [
                  {"fullUrl": "urn:uuid:%1$s", "request": {"method": "POST", "url": "List"},
                   "resource": {"resourceType": "List", "status": "current", "mode": "working",
                     "code": {"coding": [{"code": "submissionset"}]}, "subject": {"reference": "%4$s"},
                     "entry": [{"item": {"reference": "urn:uuid:%2$s"}}]}},
                  {"fullUrl": "urn:uuid:%2$s", "request": {"method": "POST", "url": "DocumentReference"},
                   "resource": {"resourceType": "DocumentReference", "status": "current",
                     "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": "urn:oid:%5$s"},
                     "type": {"coding": [{"system": "http://loinc.org", "code": "11490-0"}]},
                     "subject": {"reference": "%4$s"},
                     "content": [{"attachment": {"contentType": "application/pdf", "url": "urn:uuid:%3$s"}}]}},
                  {"fullUrl": "urn:uuid:%3$s", "request": {"method": "POST", "url": "Binary"},
                   "resource": {"resourceType": "Binary", "contentType": "application/pdf", "data": "%6$s"}}]}
                """.formatted(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), patient, uniqueId, DATA_MARK);
    }

    /** The same Bundle in FHIR XML. */
    static String xmlBundle(String uniqueId) {
        String patient = "Patient?identifier=urn:oid:" + Uploads.NIR_TEST + "|" + Uploads.TEST_PATIENT;
        return """
                <Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
                <entry><fullUrl value="urn:uuid:%1$s"/><resource><List><status value="current"/><mode value="working"/>
                <code><coding><code value="submissionset"/></coding></code><subject><reference value="%4$s"/></subject>
                <entry><item><reference value="urn:uuid:%2$s"/></item></entry></List></resource>
                <request><method value="POST"/><url value="List"/></request></entry>
                <entry><fullUrl value="urn:uuid:%2$s"/><resource><DocumentReference>
                <masterIdentifier><system value="urn:ietf:rfc:3986"/><value value="urn:oid:%5$s"/></masterIdentifier>
                <status value="current"/><type><coding><system value="http://loinc.org"/><code value="11490-0"/></coding></type>
                <subject><reference value="%4$s"/></subject><content><attachment><contentType value="application/pdf"/>
                <url value="urn:uuid:%3$s"/></attachment></content></DocumentReference></resource>
                <request><method value="POST"/><url value="DocumentReference"/></request></entry>
                <entry><fullUrl value="urn:uuid:%3$s"/><resource><Binary><contentType value="application/pdf"/>
                <data value="%6$s"/></Binary></resource><request><method value="POST"/><url value="Binary"/></request></entry>
                </Bundle>
                """.formatted(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), patient, uniqueId, DATA_MARK);
    }

    /** Another stream's bytes as base64, encoded as they are read, three bytes at a time to four characters. */
    static final class Base64Stream extends InputStream {
        private final InputStream source;
        private final byte[] raw = new byte[48 * 1024];
        private byte[] encoded = new byte[0];
        private int position;
        private boolean done;

        Base64Stream(InputStream source) {
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (position == encoded.length) {
                if (done) {
                    return -1;
                }
                int filled = source.readNBytes(raw, 0, raw.length); // a multiple of 3 until the last
                done = filled < raw.length;
                encoded = Base64.getEncoder().encode(Arrays.copyOf(raw, filled));
                position = 0;
                if (encoded.length == 0) {
                    return -1;
                }
            }
            int n = Math.min(length, encoded.length - position);
            System.arraycopy(encoded, position, target, offset, n);
            position += n;
            return n;
        }
    }
}
