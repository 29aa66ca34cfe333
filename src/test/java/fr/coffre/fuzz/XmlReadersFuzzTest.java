package fr.coffre.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import fr.coffre.extraction.CdaHeaderReader;
import fr.coffre.extraction.DocumentContentException;
import fr.coffre.extraction.DocumentExtractor;
import fr.coffre.extraction.FhirPatientReader;
import fr.coffre.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The CDA header reader and the FHIR reader, fed real documents from the corpus damaged at random:
 * each answers with what it read or refuses with a DocumentContentException (a 422 or a
 * quarantine), never another failure, and without allocating more than a bounded amount. The
 * whole extraction (CDA body, FHIR narratives and attachments) likewise, with no parse left running.
 */
class XmlReadersFuzzTest {

    static final long MAX_ALLOCATED = 64L << 20;

    static final DocumentExtractor EXTRACTOR = new DocumentExtractor();

    final CdaHeaderReader cda = new CdaHeaderReader();
    final FhirPatientReader fhir = new FhirPatientReader();

    @Property(tries = 300)
    void aDamagedCdaHeaderIsReadOrRefused(
            @ForAll("cdaFiles") String file,
            @ForAll @IntRange(max = 20_000) int at,
            @ForAll("damage") String inserted,
            @ForAll @IntRange(max = 500) int removed) {
        readOrRefused(in -> cda.read(in), damage(Corpus.bytes(file), at, inserted, removed));
    }

    @Property(tries = 300)
    void aDamagedFhirResourceIsReadOrRefused(
            @ForAll("fhirFiles") String file,
            @ForAll @IntRange(max = 20_000) int at,
            @ForAll("damage") String inserted,
            @ForAll @IntRange(max = 500) int removed) {
        readOrRefused(in -> fhir.read(in), damage(Corpus.bytes(file), at, inserted, removed));
    }

    @Property(tries = 200)
    void aDamagedDocumentIsExtractedWholeOrRefusedWithItsReason(
            @ForAll("documents") String file,
            @ForAll @IntRange(max = 20_000) int at,
            @ForAll("damage") String inserted,
            @ForAll @IntRange(max = 500) int removed)
            throws IOException {
        byte[] damaged = damage(Corpus.bytes(file), at, inserted, removed);
        try {
            // Header, body and narrative readers, and the files a document carries (Tika).
            EXTRACTOR.extract(new ByteArrayInputStream(damaged));
        } catch (DocumentContentException refused) {
            // quarantined or failed with its reason
        }
        assertEquals(0, EXTRACTOR.abandonedParsesRunning(), "a parse left running");
    }

    /** Any other exception fails the property; so does allocating past the bound. */
    static void readOrRefused(Consumer<InputStream> reader, byte[] damaged) {
        long before = allocated();
        try {
            reader.accept(new ByteArrayInputStream(damaged));
        } catch (DocumentContentException refused) {
            // refused with its reason
        }
        assertTrue(allocated() - before < MAX_ALLOCATED, "allocated past the bound");
    }

    @Provide
    Arbitrary<String> cdaFiles() {
        return Arbitraries.of(
                "cda/BIO-CR-BIO_2024.01_TSH_1.xml", "cda/LDL-SES_2022.01.xml", "cda/ANEST-CR-ANEST_2022.01.xml");
    }

    @Provide
    Arbitrary<String> documents() {
        return Arbitraries.of(
                "cda/BIO-CR-BIO_2024.01_TSH_1.xml",
                "cda/LDL-SES_2022.01.xml",
                "fhir/Bundle-example-annexe-fhir-document.json",
                "fhir/DocumentReference-example-td3-1a-cr-consultation.xml");
    }

    @Provide
    Arbitrary<String> fhirFiles() {
        return Arbitraries.of(
                "fhir/DocumentReference-doc-x-id.json",
                "fhir/Bundle-example-td2-iti65-lot-soumission.json",
                "fhir/DocumentReference-example-td3-1a-cr-consultation.xml");
    }

    @Provide
    Arbitrary<String> damage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of(
                        "<",
                        ">",
                        "\"",
                        "'",
                        "&",
                        "&amp;",
                        "<!DOCTYPE x [<!ENTITY a \"b\">]>",
                        "]]>",
                        "{",
                        "}",
                        "[",
                        "]",
                        "\\u0000",
                        "\u0000",
                        "xmlns=\"urn:x\"",
                        "<x:y xmlns:x=\"urn:" + "n".repeat(900) + "\">"),
                Arbitraries.of("<a>", "{\"a\":", "[").map(s -> s.repeat(300)));
    }

    static byte[] damage(byte[] original, int at, String inserted, int removed) {
        int cut = Math.min(at, original.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(original, 0, cut);
        out.writeBytes(inserted.getBytes(StandardCharsets.UTF_8));
        int resume = Math.min(original.length, cut + removed);
        out.write(original, resume, original.length - resume);
        return out.toByteArray();
    }

    static long allocated() {
        return ((ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}
