package fr.coffre.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ca.uhn.fhir.context.FhirContext;
import fr.coffre.testing.Authorisations;
import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole XDS DocumentEntry, kept whichever door a document came in by, and shown back. */
@QuarkusTest
class XdsMetadataTest {

    static final FhirContext R4 = FhirContext.forR4Cached();
    static final String PDF = "pdf/HL7-CCDA_UD_sample.pdf";
    static String hospital;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
    }

    // The service is reachable from the test instance on, not in @BeforeAll.
    @BeforeEach
    void doctorAuthorised() {
        Authorisations.authorise("patient.dominique", Authorisations.DR_BERNARD);
    }

    static JsonObject code(String code, String system, String display) {
        JsonObject json = new JsonObject().put("code", code).put("system", system);
        return display == null ? json : json.put("display", display);
    }

    /** Every field of the entry a producer can declare beside the ones every upload carries. */
    static JsonObject everyField(String uniqueId) {
        return Uploads.metadata(uniqueId)
                .put("classCode", "10")
                .put("classCodeSystem", "1.2.250.1.213.1.1.4.1")
                .put("formatCode", code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", null))
                .put("practiceSettingCode", code("394609007", "2.16.840.1.113883.6.96", "Chirurgie générale"))
                .put("healthcareFacilityTypeCode", code("22232009", "2.16.840.1.113883.6.96", "Hôpital"))
                .put("eventCodes", new JsonArray().add(code("GFFA003", "1.2.250.1.213.2.5", null)))
                .put(
                        "authors",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("id", "810001234567")
                                        .put("system", "1.2.250.1.71.4.2.1")
                                        .put("name", "Jeanne Martin")
                                        .put("institution", "CHU de Lyon")
                                        .put("role", code("10", "1.2.250.1.213.1.1.4.5", "Médecin"))
                                        .put("specialty", code("SM54", "1.2.250.1.71.4.2.5", "Chirurgie générale")))
                                .add(new JsonObject()
                                        .put("id", "820001234567")
                                        .put("system", "1.2.250.1.71.4.2.1")
                                        .put("name", "Paul Durand")))
                .put("languageCode", "fr-FR")
                .put(
                        "legalAuthenticator",
                        new JsonObject()
                                .put("id", "830001234567")
                                .put("system", "1.2.250.1.71.4.2.1")
                                .put("name", "Marc Petit"))
                .put("referenceIds", new JsonArray().add("sejour-42"))
                .put("setId", "1.2.250.1.999.2^" + uniqueId)
                .put("version", 2)
                .put("confidentialityCodes", new JsonArray().add(code("N", "2.16.840.1.113883.5.25", null)));
    }

    static String uploaded(JsonObject metadata) {
        return Uploads.upload(hospital, metadata, Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    @Test
    void anUploadKeepsEveryXdsFieldItDeclaresAndBothApisShowThemBack() {
        String uniqueId = "xds-" + UUID.randomUUID();
        String id = uploaded(everyField(uniqueId));

        given().auth()
                .oauth2(hospital)
                .get("/api/v1/documents/" + id)
                .then()
                .statusCode(200)
                .body("classCodeSystem", is("1.2.250.1.213.1.1.4.1"))
                .body("formatCode.code", is("urn:ihe:iti:xds-sd:pdf:2008"))
                .body("practiceSettingCode.code", is("394609007"))
                .body("healthcareFacilityTypeCode.display", is("Hôpital"))
                .body("eventCodes.code", contains("GFFA003"))
                .body("authors.name", contains("Jeanne Martin", "Paul Durand"))
                .body("authors[0].specialty.code", is("SM54"))
                .body("author.name", is("Jeanne Martin"))
                .body("languageCode", is("fr-FR"))
                .body("legalAuthenticator.name", is("Marc Petit"))
                .body("referenceIds", contains("sejour-42"))
                .body("setId", is("1.2.250.1.999.2^" + uniqueId))
                .body("version", is(2))
                .body("confidentialityCodes.code", contains("N"));

        DocumentReference reference = R4.newJsonParser()
                .parseResource(
                        DocumentReference.class,
                        given().auth()
                                .oauth2(hospital)
                                .get("/fhir/DocumentReference/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .asString());
        assertEquals(
                "urn:oid:1.2.250.1.213.1.1.4.1",
                reference.getCategoryFirstRep().getCodingFirstRep().getSystem());
        assertEquals(
                "urn:ihe:iti:xds-sd:pdf:2008",
                reference.getContentFirstRep().getFormat().getCode());
        assertEquals("fr-FR", reference.getContentFirstRep().getAttachment().getLanguage());
        assertEquals(
                "394609007",
                reference.getContext().getPracticeSetting().getCodingFirstRep().getCode());
        assertEquals(
                "http://snomed.info/sct",
                reference.getContext().getFacilityType().getCodingFirstRep().getSystem());
        assertEquals(
                "GFFA003",
                reference.getContext().getEventFirstRep().getCodingFirstRep().getCode());
        assertEquals(
                "sejour-42",
                reference.getContext().getRelatedFirstRep().getIdentifier().getValue());
        assertEquals("Marc Petit", reference.getAuthenticator().getDisplay());
        PractitionerRole surgeon =
                (PractitionerRole) reference.getAuthor().get(0).getResource();
        assertEquals("SM54", surgeon.getSpecialtyFirstRep().getCodingFirstRep().getCode());
        assertEquals("Jeanne Martin", surgeon.getPractitioner().getDisplay());
        assertEquals(
                List.of("Paul Durand"),
                reference.getAuthor().stream()
                        .skip(1)
                        .map(Reference::getDisplay)
                        .toList());
    }

    @Test
    void aDocumentPublishedByMhdReadsBackWithTheSameXdsFields() {
        String first = uploaded(everyField("xds-" + UUID.randomUUID()));
        String read = given().auth()
                .oauth2(hospital)
                .get("/fhir/DocumentReference/" + first)
                .asString();
        DocumentReference reference = R4.newJsonParser().parseResource(DocumentReference.class, read);
        // Published again as a new document: what the read side wrote is what the publication reads.
        String uniqueId = "1.2.250.1.999.67." + System.nanoTime();
        reference.setId((String) null);
        reference.getIdentifier().clear();
        reference.getMasterIdentifier().setSystem("urn:ietf:rfc:3986").setValue("urn:oid:" + uniqueId);
        byte[] pdf = Corpus.bytes(PDF);
        reference.getContentFirstRep().getAttachment().setUrl(null).setData(pdf);
        String published = given().auth()
                .oauth2(hospital)
                .contentType("application/fhir+json")
                .body(R4.newJsonParser().encodeResourceToString(reference).getBytes(StandardCharsets.UTF_8))
                .post("/fhir/DocumentReference")
                .then()
                .statusCode(201)
                .extract()
                .asString();
        String id = R4.newJsonParser()
                .parseResource(DocumentReference.class, published)
                .getIdElement()
                .getIdPart();

        JsonObject before = new JsonObject(given().auth()
                .oauth2(hospital)
                .get("/api/v1/documents/" + first)
                .asString());
        JsonObject after = new JsonObject(
                given().auth().oauth2(hospital).get("/api/v1/documents/" + id).asString());
        for (String field : List.of(
                "classCode",
                "classCodeSystem",
                "formatCode",
                "practiceSettingCode",
                "healthcareFacilityTypeCode",
                "eventCodes",
                "authors",
                "languageCode",
                "legalAuthenticator",
                "referenceIds",
                "confidentialityCodes")) {
            assertEquals(before.getValue(field), after.getValue(field), field);
        }
    }

    @Test
    void theDmpVisibilityLabelsHideFromProfessionalsOrWithholdFromThePatient() {
        String masked = uploaded(Uploads.metadata("xds-" + UUID.randomUUID())
                .put(
                        "confidentialityCodes",
                        new JsonArray()
                                .add(code("N", "2.16.840.1.113883.5.25", null))
                                .add(code("MASQUE_PS", "1.2.250.1.213.1.1.4.13", null))));
        String invisible = uploaded(Uploads.metadata("xds-" + UUID.randomUUID())
                .put(
                        "confidentialityCodes",
                        new JsonArray().add(code("INVISIBLE_PATIENT", "1.2.250.1.213.1.1.4.13", null))));
        assertEquals("INDEXED", Database.awaitConcluded(masked));
        assertEquals("INDEXED", Database.awaitConcluded(invisible));
        String doctor = KeycloakTokens.user("dr.bernard");
        String patient = KeycloakTokens.user("patient.dominique");
        String professionalPath = "/api/v1/patients/" + Uploads.TEST_PATIENT + "/documents/";

        given().auth().oauth2(doctor).get(professionalPath + masked).then().statusCode(404);
        given().auth()
                .oauth2(patient)
                .get("/api/v1/me/documents/" + masked)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(patient)
                .get("/api/v1/me/documents/" + invisible)
                .then()
                .statusCode(404);
        given().auth().oauth2(doctor).get(professionalPath + invisible).then().statusCode(200);
    }

    @Test
    void aCdaHeadersLanguageSetIdVersionLegalAuthenticatorAndServiceEventAreKept() {
        // The corpus document under a unique id of its own, so that it is new to this stack.
        String cda = new String(Corpus.bytes("cda/BIO-CR-BIO_2024.01_TSH_1.xml"), StandardCharsets.UTF_8)
                .replace(
                        "<id root=\"1.2.250.1.213.1.1.1.55.2024.9.1\"/>",
                        "<id root=\"1.2.250.1.999.68." + System.nanoTime() + "\"/>");
        String id = Uploads.upload(hospital, null, cda.getBytes(StandardCharsets.UTF_8), "application/xml")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        given().auth()
                .oauth2(hospital)
                .get("/api/v1/documents/" + id)
                .then()
                .statusCode(200)
                .body("languageCode", is("fr-FR"))
                .body("setId", is("1.2.250.1.213.1.1.1.55.2024.9"))
                .body("version", is(1))
                .body("legalAuthenticator.id", is("801234534765"))
                .body("eventCodes.code", contains("18719-5"));
    }

    @Test
    void eachXdsCodeFiltersTheFhirSearchAndTheListsOfThePatientAndOfProfessionals() {
        String tag = Long.toString(System.nanoTime());
        JsonObject coded = Uploads.metadata("xds-" + UUID.randomUUID())
                .put("formatCode", code("F" + tag, "1.2.250.1.999.1", null))
                .put("practiceSettingCode", code("S" + tag, "2.16.840.1.113883.6.96", null))
                .put("healthcareFacilityTypeCode", code("H" + tag, "2.16.840.1.113883.6.96", null))
                .put("eventCodes", new JsonArray().add(code("X", "1.2.3", null)).add(code("E" + tag, "1.2.3", null)))
                .put("confidentialityCodes", new JsonArray().add(code("L" + tag, "1.2.250.1.999.3", null)))
                .put(
                        "authors",
                        new JsonArray()
                                .add(new JsonObject().put("name", "Anne Dupont"))
                                .add(new JsonObject().put("name", "Yves Zorglub" + tag)));
        String match = uploaded(coded);
        String other = uploaded(Uploads.metadata("xds-" + UUID.randomUUID()));
        assertEquals("INDEXED", Database.awaitConcluded(match));
        assertEquals("INDEXED", Database.awaitConcluded(other));
        String patient = KeycloakTokens.user("patient.dominique");
        String doctor = KeycloakTokens.user("dr.bernard");
        String ins = "urn:oid:" + Uploads.NIR_TEST + "|" + Uploads.TEST_PATIENT;

        Map<String, String> fhir = new LinkedHashMap<>();
        fhir.put("format", "urn:oid:1.2.250.1.999.1|F" + tag);
        fhir.put("setting", "http://snomed.info/sct|S" + tag);
        fhir.put("facility", "H" + tag);
        fhir.put("event", "E" + tag);
        fhir.put("security-label", "L" + tag);
        fhir.put("author.family", "zorglub" + tag);
        for (var parameter : fhir.entrySet()) {
            Bundle found = R4.newJsonParser()
                    .parseResource(
                            Bundle.class,
                            given().auth()
                                    .oauth2(patient)
                                    .formParam("patient.identifier", ins)
                                    .formParam(parameter.getKey(), parameter.getValue())
                                    .post("/fhir/DocumentReference/_search")
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .asString());
            assertEquals(
                    List.of(match),
                    found.getEntry().stream()
                            .map(e -> e.getResource().getIdElement().getIdPart())
                            .toList(),
                    parameter.getKey());
        }
        // A document filed with its HL7 level only is found by that level's system too.
        String restricted = uploaded(Uploads.metadata("xds-" + UUID.randomUUID())
                .put("typeCode", code("R" + tag, "1.2.250.1.999.4", null))
                .put("confidentiality", "R"));
        assertEquals("INDEXED", Database.awaitConcluded(restricted));
        for (String label : List.of("http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R", "R")) {
            given().auth()
                    .oauth2(patient)
                    .formParam("patient.identifier", ins)
                    .formParam("type", "1.2.250.1.999.4|R" + tag)
                    .formParam("security-label", label)
                    .post("/fhir/DocumentReference/_search")
                    .then()
                    .statusCode(200)
                    .body("entry.resource.id", contains(restricted));
        }
        given().auth()
                .oauth2(patient)
                .formParam("patient.identifier", ins)
                .formParam("setting", "http://loinc.org|S" + tag)
                .post("/fhir/DocumentReference/_search")
                .then()
                .statusCode(200)
                .body("entry", nullValue());

        Map<String, String> list = new LinkedHashMap<>();
        list.put("formatCode", "1.2.250.1.999.1|F" + tag);
        list.put("practiceSettingCode", "S" + tag);
        list.put("healthcareFacilityTypeCode", "2.16.840.1.113883.6.96|H" + tag);
        list.put("eventCode", "E" + tag);
        list.put("confidentialityCode", "L" + tag);
        list.put("author", "Zorglub" + tag);
        for (var filter : list.entrySet()) {
            given().auth()
                    .oauth2(patient)
                    .queryParam(filter.getKey(), filter.getValue())
                    .get("/api/v1/me/documents")
                    .then()
                    .statusCode(200)
                    .body("items.id", contains(match));
            given().auth()
                    .oauth2(doctor)
                    .queryParam(filter.getKey(), filter.getValue())
                    .get("/api/v1/patients/" + Uploads.TEST_PATIENT + "/documents")
                    .then()
                    .statusCode(200)
                    .body("items.id", contains(match));
        }
    }
}
