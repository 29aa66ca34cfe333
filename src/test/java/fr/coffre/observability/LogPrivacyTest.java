package fr.coffre.observability;

import static fr.coffre.testing.Uploads.metadata;
import static fr.coffre.testing.Uploads.upload;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Everything the service logs (Coffre's own loggers at DEBUG) while it accepts, refuses, indexes
 * and sets aside documents names no patient and quotes no content; the log lines about one
 * document carry its id and the trace id in the MDC.
 */
@QuarkusTest
class LogPrivacyTest {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final String CDA = "cda/BIO-CR-BIO_2024.01_TSH_1.xml";
    /** The INS the corpus CDA names, also the test patient's. */
    static final String INS = Uploads.TEST_PATIENT;

    final Capture capture = new Capture();
    final Logger root = Logger.getLogger("");
    final Logger coffre = Logger.getLogger("fr.coffre");
    Level coffreLevel;

    @BeforeEach
    void listen() {
        coffreLevel = coffre.getLevel();
        coffre.setLevel(Level.FINE);
        root.addHandler(capture);
    }

    @AfterEach
    void stop() {
        root.removeHandler(capture);
        coffre.setLevel(coffreLevel);
    }

    @Test
    void noLogLineNamesThePatientOrQuotesTheDocument() {
        String marker = "Zorglub" + UUID.randomUUID().toString().replace("-", "");
        String token = KeycloakTokens.hospital();

        // Accepted and indexed: a CDA naming the patient.
        String indexed = upload(KeycloakTokens.radiology(), null, freshCda(), "text/xml")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        // Accepted, then found damaged by the worker: a PDF that is not one, quoting the INS and the marker.
        byte[] brokenPdf = ("%PDF-1.7\n1 0 obj << /Title (" + marker + " " + INS + ") >>\nstream\n" + marker
                        + " patient " + INS + "\nendstream\n%%EOF garbage " + marker)
                .getBytes(StandardCharsets.US_ASCII);
        String broken = upload(
                        token, metadata("logs-" + UUID.randomUUID()).put("title", marker), brokenPdf, "application/pdf")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        // Refused: an INS whose key is wrong, a document naming another patient than declared.
        var wrongKey = metadata("logs-" + UUID.randomUUID());
        wrongKey.getJsonObject("patient").put("id", "279035121518988");
        upload(token, wrongKey, (marker + " " + INS).getBytes(StandardCharsets.UTF_8), "text/plain")
                .then()
                .statusCode(422);
        var otherPatient = metadata("logs-" + UUID.randomUUID());
        otherPatient.getJsonObject("patient").put("id", "180057512345627");
        upload(KeycloakTokens.radiology(), otherPatient, freshCda(), "text/xml")
                .then()
                .statusCode(409);

        assertEquals("INDEXED", awaitConcluded(indexed));
        assertTrue(List.of("FAILED", "QUARANTINED").contains(awaitConcluded(broken)), "the damaged PDF is set aside");
        // Its "set aside" line is logged after the status commits.
        await().atMost(DEADLINE)
                .until(() ->
                        capture.about(broken).stream().anyMatch(r -> r.message().contains("set aside")));

        for (Line line : capture.lines) {
            for (String secret : List.of(INS, "279035121518988", "180057512345627", marker)) {
                assertTrue(!line.everything().contains(secret), "a log line holds " + secret + ": " + line);
            }
        }
        Line setAside = capture.about(broken).stream()
                .filter(r -> r.message().contains("set aside"))
                .findFirst()
                .orElseThrow();
        assertTrue(setAside.mdc().containsKey("traceId"), "the trace id is in the MDC: " + setAside);
    }

    /** The corpus CDA under a fresh ClinicalDocument/id, so that it is a new document. */
    static byte[] freshCda() {
        return new String(Corpus.bytes(CDA), StandardCharsets.UTF_8)
                .replace(
                        "<id root=\"1.2.250.1.213.1.1.1.55.2024.9.1\"/>",
                        "<id root=\"1.2.250.1.213.1.1.1.55.2024.9.1\" extension=\"" + UUID.randomUUID() + "\"/>")
                .getBytes(StandardCharsets.UTF_8);
    }

    String awaitConcluded(String id) {
        return await().atMost(DEADLINE)
                .until(
                        () -> Database.strings("SELECT status FROM document WHERE id = ?::uuid", id)
                                .get(0),
                        s -> !s.equals("STORED"));
    }

    record Line(String logger, String level, String message, Map<String, String> mdc, String thrown) {
        String everything() {
            return logger + " " + message + " " + mdc + " " + thrown;
        }
    }

    static final class Capture extends Handler {
        final List<Line> lines = new CopyOnWriteArrayList<>();

        Capture() {
            setLevel(Level.ALL);
        }

        List<Line> about(String documentId) {
            return lines.stream()
                    .filter(l -> documentId.equals(l.mdc().get(DocumentTelemetry.MDC_KEY)))
                    .toList();
        }

        @Override
        public void publish(LogRecord record) {
            Map<String, String> mdc = Map.of();
            String message = record.getMessage();
            if (record instanceof ExtLogRecord ext) {
                mdc = Map.copyOf(ext.getMdcCopy());
                message = ext.getFormattedMessage();
            }
            String thrown = "";
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                thrown = trace.toString();
            }
            lines.add(new Line(
                    record.getLoggerName(), record.getLevel().getName(), String.valueOf(message), mdc, thrown));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
