package fr.coffre.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import fr.coffre.ingest.IngestConfig;
import fr.coffre.ingest.MetadataReader;
import fr.coffre.problem.ProblemException;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A producer's metadata and a submission's manifest, damaged at random: each is read, or refused
 * with a problem a client can act on (4xx), never another failure, and within a bounded amount of
 * allocation.
 */
class MetadataFuzzTest {

    static final String METADATA = """
            {"uniqueId": "1.2.3^CR-1", "patient": {"id": "279035121518989", "system": "1.2.250.1.213.1.4.10"},
             "typeCode": {"code": "11502-2", "system": "2.16.840.1.113883.6.1", "display": "CR"},
             "classCode": "10", "title": "Compte rendu", "creationTime": "2026-11-23T09:30:00+01:00",
             "serviceStartTime": "2026-11-22T08:00:00+01:00", "confidentiality": "N",
             "author": {"id": "10101234567", "system": "1.2.250.1.71.4.2.1", "name": "Dr B", "institution": "CHU"},
             "mediaType": "application/pdf", "sha256": "%s", "withheldFromPatient": false, "part": "doc1"}""".formatted("a".repeat(64));

    // As Quarkus configures its ObjectMapper: modules found on the class path, unknown fields let through
    // (the reader refuses them itself).
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static final IngestConfig CONFIG = new SmallRyeConfigBuilder()
            .withMapping(IngestConfig.class)
            .build()
            .unwrap(SmallRyeConfig.class)
            .getConfigMapping(IngestConfig.class);

    final MetadataReader reader = new MetadataReader(MAPPER, CONFIG);

    @Property(tries = 400)
    void damagedMetadataIsReadOrRefusedWithAClientProblem(
            @ForAll @IntRange(max = 700) int at,
            @ForAll("damage") String inserted,
            @ForAll @IntRange(max = 100) int removed) {
        byte[] damaged = XmlReadersFuzzTest.damage(METADATA.getBytes(StandardCharsets.UTF_8), at, inserted, removed);
        readOrRefused(() -> reader.metadata(new ByteArrayInputStream(damaged)));
    }

    @Property(tries = 300)
    void aDamagedManifestIsReadOrRefusedWithAClientProblem(
            @ForAll @IntRange(min = 1, max = 5) int entries,
            @ForAll @IntRange(max = 3_500) int at,
            @ForAll("damage") String inserted,
            @ForAll @IntRange(max = 100) int removed) {
        String manifest = "[" + String.join(",", Collections.nCopies(entries, METADATA)) + "]";
        byte[] damaged = XmlReadersFuzzTest.damage(manifest.getBytes(StandardCharsets.UTF_8), at, inserted, removed);
        readOrRefused(() -> reader.manifest(new ByteArrayInputStream(damaged), 3));
    }

    static void readOrRefused(Runnable read) {
        long before = XmlReadersFuzzTest.allocated();
        try {
            read.run();
        } catch (ProblemException refused) {
            int status = refused.problem().status();
            assertTrue(status >= 400 && status < 500, "refused with " + status + ": " + refused.getMessage());
        }
        assertTrue(
                XmlReadersFuzzTest.allocated() - before < XmlReadersFuzzTest.MAX_ALLOCATED, "allocated past the bound");
    }

    @Provide
    Arbitrary<String> damage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of(
                        "{",
                        "}",
                        "[",
                        "]",
                        "\"",
                        ",",
                        ":",
                        "null",
                        "true",
                        "1e999999",
                        "-0",
                        "\\u0000",
                        "\u0000",
                        "\"patient\": {}",
                        "\"typeCode\": []",
                        "\"creationTime\": \"yesterday\"",
                        "\"replaces\": \"not-a-uuid\"",
                        "\"unknown\": 1",
                        "\uD800"),
                Arbitraries.of("{\"a\":", "[", "{}, ").map(s -> s.repeat(400)));
    }
}
