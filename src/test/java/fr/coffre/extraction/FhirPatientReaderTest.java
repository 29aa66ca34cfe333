package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.Identifier;
import fr.coffre.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FhirPatientReaderTest {

    private static final Identifier SAMPLE_INS = new Identifier("1.2.250.1.213.1.4.8", "123456789012345");

    private final FhirPatientReader reader = new FhirPatientReader();

    static Stream<Arguments> fhirRows() {
        return Corpus.rows(file -> file.startsWith("fhir/")).stream()
                .map(row -> Arguments.of(Named.of(row.file(), row)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fhirRows")
    void readsWhatTheManifestListsForEachFhirFile(Corpus.Row row) throws IOException {
        FhirDocumentInfo info = read(row.file());

        String bareSystem = row.patientIdSystem().replaceFirst("^urn:oid:", "");
        assertEquals(Optional.of(new Identifier(bareSystem, row.patientId())), info.ins());
        assertEquals(row.docCode(), info.type().code());
        assertEquals(row.docCodeSystem(), info.type().codeSystem());
        assertEquals(OffsetDateTime.parse(row.effectiveTime()), info.date());
        if (Corpus.Row.applies(row.title())) {
            assertEquals(row.title(), info.title());
        }
    }

    @Test
    void readsAnMhdTransactionBundleFromItsDocumentReference() throws IOException {
        FhirDocumentInfo info = read("fhir/Bundle-example-td2-iti65-lot-soumission.json");

        assertEquals(
                new FhirDocumentInfo(
                        "Bundle",
                        List.of(SAMPLE_INS),
                        new CodedValue("11488-4", "http://loinc.org", "Consult note"),
                        "Compte rendu de consultation",
                        OffsetDateTime.parse("2026-06-12T10:00:00+02:00"),
                        "urn:oid:1.2.250.1.213.1.4.8.99999.2"),
                info);
    }

    @Test
    void readsADocumentBundleFromItsCompositionAndPatientEntry() throws IOException {
        FhirDocumentInfo info = read("fhir/Bundle-example-annexe-fhir-document.json");

        assertEquals(
                new FhirDocumentInfo(
                        "Bundle",
                        List.of(SAMPLE_INS),
                        new CodedValue("60591-5", "http://loinc.org", "Patient summary Document"),
                        "Synthèse patient 20/11/2024",
                        OffsetDateTime.parse("2024-11-20T11:00:00+01:00"),
                        "urn:oid:1.2.250.1.213.1.4.8.99999.202"),
                info);
    }

    @Test
    void readsFhirXmlWithAContainedPatientWhenTheSubjectQueryHasNoValue() throws IOException {
        FhirDocumentInfo info = read("fhir/DocumentReference-example-td3-1a-cr-consultation.xml");

        assertEquals(
                new FhirDocumentInfo(
                        "DocumentReference",
                        List.of(SAMPLE_INS),
                        new CodedValue("11488-4", "http://loinc.org", "Consult note"),
                        "CR Consultation 20/11/2024",
                        OffsetDateTime.parse("2024-11-20T10:30:00+01:00"),
                        "urn:oid:1.2.250.1.213.1.4.8.99999.101"),
                info);
    }

    @Test
    void readsAnXmlDocumentBundleThroughEntryFullUrls() {
        String xml = """
                <Bundle xmlns="http://hl7.org/fhir">
                  <identifier><system value="urn:ietf:rfc:3986"/><value value="urn:uuid:doc-1"/></identifier>
                  <type value="document"/>
                  <entry>
                    <fullUrl value="urn:uuid:composition"/>
                    <resource><Composition>
                      <type><coding><system value="http://loinc.org"/><code value="60591-5"/></coding></type>
                      <subject><reference value="urn:uuid:patient"/></subject>
                      <date value="2024-11-20T11:00:00+01:00"/>
                      <title value="Synthèse"><extension url="http://example.org/ignored"/></title>
                    </Composition></resource>
                  </entry>
                  <entry>
                    <fullUrl value="urn:uuid:patient"/>
                    <resource><Patient>
                      <identifier><system value="urn:oid:1.2.3.4"/><value value="IPP-1"/></identifier>
                      <identifier><system value="urn:oid:1.2.250.1.213.1.4.8"/><value value="277076322082910"/></identifier>
                    </Patient></resource>
                  </entry>
                </Bundle>
                """;

        FhirDocumentInfo info = reader.read(utf8(xml));

        assertEquals(
                new FhirDocumentInfo(
                        "Bundle",
                        List.of(
                                new Identifier("1.2.3.4", "IPP-1"),
                                new Identifier("1.2.250.1.213.1.4.8", "277076322082910")),
                        new CodedValue("60591-5", "http://loinc.org", null),
                        "Synthèse",
                        OffsetDateTime.parse("2024-11-20T11:00:00+01:00"),
                        "urn:uuid:doc-1"),
                info);
        assertEquals(Optional.of(new Identifier("1.2.250.1.213.1.4.8", "277076322082910")), info.ins());
    }

    @Test
    void readsThePatientFromTheSubjectQueryWhenNothingIsContained() throws IOException {
        FhirDocumentInfo info = read("fhir/DocumentReference-example-td2-iti105-publication-simplifiee.json");

        assertEquals(List.of(SAMPLE_INS), info.patientIds());
        assertEquals("DocumentReference", info.resourceType());
    }

    @Test
    void prefersTheSubjectOverContainedPatientsAndStripsOnlyTheOidPrefix() {
        String json = """
                {"resourceType": "DocumentReference",
                 "contained": [{"resourceType": "Patient", "id": "p",
                                "identifier": [{"system": "urn:oid:1.2.3.4", "value": "IPP-9"}]}],
                 "subject": {"reference": "Patient?identifier=urn%3Aoid%3A1.2.250.1.213.1.4.10%7C279035121518989"},
                 "description": "  Lettre  ",
                 "date": "2024-07-15"}
                """;

        FhirDocumentInfo info = reader.read(utf8(json));

        assertEquals(List.of(new Identifier("1.2.250.1.213.1.4.10", "279035121518989")), info.patientIds());
        assertEquals("Lettre", info.title());
        assertEquals(OffsetDateTime.parse("2024-07-15T00:00+02:00"), info.date());
    }

    @Test
    void leavesPatientIdsEmptyWhenThereIsNoPatient() {
        FhirDocumentInfo info = reader.read(utf8("{\"resourceType\": \"DocumentReference\", \"status\": \"current\"}"));

        assertEquals(List.of(), info.patientIds());
        assertEquals(Optional.empty(), info.ins());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "{\"resourceType\": \"DocumentReference\"",
                "{\"resourceType\": \"DocumentReference\"} trailing",
                "{\"resourceType\": \"DocumentReference\", \"resourceType\": \"Patient\"}",
                "{\"status\": \"current\"}",
                "{\"resourceType\": \"Patient\"}",
                "{\"resourceType\": \"Bundle\", \"type\": \"searchset\"}",
                "{\"resourceType\": \"Bundle\", \"type\": \"transaction\", \"entry\": []}",
                "{\"resourceType\": \"DocumentReference\", \"subject\": \"Patient/1\"}",
                "{\"resourceType\": \"DocumentReference\", \"date\": \"2024-07-15T10:00:00\"}",
                "{\"resourceType\": \"DocumentReference\", \"date\": \"yesterday\"}",
                "<DocumentReference xmlns=\"http://hl7.org/fhir\"><status value=\"current\"></DocumentReference>",
                "<DocumentReference xmlns=\"urn:hl7-org:v3\"/>",
                "plain text"
            })
    void refusesMalformedFhir(String document) {
        assertThrows(DocumentContentException.class, () -> reader.read(utf8(document)));
    }

    @Test
    void refusesDoctypesInFhirXml() throws IOException {
        try (InputStream in = Corpus.open("bad/xxe-file-etc-passwd.xml")) {
            DocumentContentException e = assertThrows(DocumentContentException.class, () -> reader.readXml(in));

            assertEquals("DOCTYPE declarations are not allowed", e.getMessage());
        }
    }

    @Test
    void refusesDeeplyNestedJson() {
        String deep =
                "{\"resourceType\": \"DocumentReference\", \"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";

        DocumentContentException e = assertThrows(DocumentContentException.class, () -> reader.read(utf8(deep)));

        assertTrue(e.getMessage().contains("limits"), e.getMessage());
    }

    @Test
    void neverMaterialisesBase64PayloadsOrNarratives() {
        String json = """
                {"resourceType": "DocumentReference",
                 "text": {"status": "generated", "div": "<div>%s</div>"},
                 "content": [{"attachment": {"data": "%s", "title": "Compte rendu"}}]}
                """.formatted("n".repeat(1_000), "A".repeat(1_000_000));

        FhirDocumentInfo info = new FhirPatientReader(64, 2L << 20).read(utf8(json));

        assertEquals("Compte rendu", info.title());
        assertFalse(info.toString().contains("AAAA"));
    }

    private FhirDocumentInfo read(String file) throws IOException {
        try (InputStream in = Corpus.open(file)) {
            return reader.read(in);
        }
    }

    private static InputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
