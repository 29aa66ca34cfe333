package fr.coffre.fuzz;

import fr.coffre.mhd.Fhir;
import fr.coffre.mhd.FhirFormat;
import fr.coffre.mhd.FhirPayloadReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.hl7.fhir.r4.model.DocumentReference;

/**
 * A DocumentReference sent for publication, damaged at random: it is read (its data spooled to
 * temporary files), or refused with a problem a client can act on, never another failure, within
 * a bounded amount of allocation.
 */
class FhirPayloadFuzzTest {

    static final String REFERENCE = """
            {"resourceType": "DocumentReference", "content": [{"attachment": {"contentType": "text/plain",
             "data": "Q29tcHRlIHJlbmR1IGRlIHNvcnRpZS4=", "size": 22}}],
             "status": "current", "masterIdentifier": {"system": "urn:oid:1.2.3", "value": "CR-1"},
             "subject": {"identifier": {"system": "urn:oid:1.2.250.1.213.1.4.10", "value": "279035121518989"}},
             "type": {"coding": [{"system": "http://loinc.org", "code": "11490-0"}]},
             "description": "Lettre de sortie", "context": {"period": {"start": "2026-10-01T08:00:00Z"}}}""";

    static final Fhir FHIR = new Fhir();

    final FhirPayloadReader reader = new FhirPayloadReader();

    @Property(tries = 400)
    void aDamagedDocumentReferenceIsReadOrRefusedWithAClientProblem(
            @ForAll @IntRange(max = 560) int at,
            @ForAll("damage") String inserted,
            @ForAll @IntRange(max = 100) int removed) {
        byte[] damaged = XmlReadersFuzzTest.damage(REFERENCE.getBytes(StandardCharsets.UTF_8), at, inserted, removed);
        MetadataFuzzTest.readOrRefused(() -> {
            try (var read = reader.read(new ByteArrayInputStream(damaged), 1 << 20)) {
                read.payloads().size();
            }
        });
    }

    static final String XML_REFERENCE = """
            <?xml version="1.0" encoding="UTF-8"?><DocumentReference xmlns="http://hl7.org/fhir">
            <!-- publiée --><status value="current"/><type><coding><system value="http://loinc.org"/>
            <code value="11490-0"/></coding></type><description value="Lettre de sortie &amp; suite"/>
            <content><attachment><contentType value="text/plain"/>
            <data value="Q29tcHRlIHJlbmR1IGRlIHNvcnRpZS4="/><size value="22"/></attachment></content>
            </DocumentReference>""";

    @Property(tries = 400)
    void aDamagedXmlDocumentReferenceIsReadOrRefusedWithAClientProblem(
            @ForAll @IntRange(max = 480) int at,
            @ForAll("xmlDamage") String inserted,
            @ForAll @IntRange(max = 100) int removed) {
        byte[] damaged =
                XmlReadersFuzzTest.damage(XML_REFERENCE.getBytes(StandardCharsets.UTF_8), at, inserted, removed);
        MetadataFuzzTest.readOrRefused(() -> {
            try (var read = reader.read(new ByteArrayInputStream(damaged), 1 << 20, 1 << 20, FhirFormat.XML)) {
                // What the scanner kept is then read by HAPI: that too ends in a problem or a resource.
                read.parse(FHIR, DocumentReference.class);
            }
        });
    }

    @Provide
    Arbitrary<String> xmlDamage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of(
                        "<",
                        ">",
                        "/>",
                        "</",
                        "\"",
                        "'",
                        "&",
                        "<!DOCTYPE x>",
                        "<!--",
                        "<![CDATA[",
                        "<?",
                        "\u0000",
                        "<data value=\"!!!\"/>",
                        "<data value=\"QUJD\">",
                        "<data/>"),
                Arbitraries.of("<a>", "<entry><resource>").map(s -> s.repeat(100)));
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
                        "1e999999",
                        "\\u0000",
                        "\u0000",
                        "\uD800",
                        "\"data\": \"!!!!\"",
                        "\"data\": 12",
                        "\"data\": \"====\"",
                        "\"data\": {}",
                        "\"data\": \"QUJD\", \"data\": \"QUJD\""),
                Arbitraries.of("{\"a\":", "[", "{}, ").map(s -> s.repeat(400)));
    }
}
