package fr.coffre.mhd;

import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FhirReadTest {

    static final FhirContext R4 = FhirContext.forR4Cached();
    static final byte[] TEXT = "Compte rendu : glycémie normale.".getBytes(StandardCharsets.UTF_8);
    static String hospital;
    static String dominique;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
        dominique = KeycloakTokens.user("patient.dominique");
    }

    /** A document of Dominique's, sent by the hospital and indexed; its Coffre id. */
    static String indexed(String uniqueId) {
        JsonObject metadata = Uploads.metadata(uniqueId)
                .put("classCode", "11")
                .put("confidentiality", "N")
                .put("creationTime", "2026-11-02T09:30:00+01:00")
                .put("serviceStartTime", "2026-11-01T08:00:00+01:00")
                .put("serviceStopTime", "2026-11-01T10:00:00+01:00");
        String id = upload(hospital, metadata, TEXT, "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        return id;
    }

    static <T extends IBaseResource> T json(Class<T> type, Response response) {
        return R4.newJsonParser().parseResource(type, response.asString());
    }

    @Test
    void theCapabilityStatementSaysExactlyWhatIsBuilt() {
        Response response = given().get("/fhir/metadata");
        response.then().statusCode(200).contentType(startsWith("application/fhir+json"));
        CapabilityStatement statement = json(CapabilityStatement.class, response);

        assertEquals("4.0.1", statement.getFhirVersion().toCode());
        assertEquals(
                List.of("application/fhir+json", "application/fhir+xml"),
                statement.getFormat().stream().map(f -> f.getValue()).toList());
        var resources = statement.getRestFirstRep().getResource();
        assertEquals(
                List.of("DocumentReference", "Binary"),
                resources.stream().map(r -> r.getType()).toList());
        var references = resources.get(0);
        assertEquals(
                List.of("read", "create", "search-type"),
                references.getInteraction().stream()
                        .map(i -> i.getCode().toCode())
                        .toList());
        assertEquals(
                List.of(
                        "patient.identifier",
                        "status",
                        "type",
                        "category",
                        "date",
                        "period",
                        "setting",
                        "facility",
                        "event",
                        "format",
                        "security-label",
                        "author.given",
                        "author.family"),
                references.getSearchParam().stream().map(p -> p.getName()).toList());
        var binary = resources.get(1);
        assertEquals(
                List.of("read"),
                binary.getInteraction().stream().map(i -> i.getCode().toCode()).toList());
        assertTrue(binary.getSearchParam().isEmpty());
        assertEquals(
                List.of("transaction"),
                statement.getRestFirstRep().getInteraction().stream()
                        .map(i -> i.getCode().toCode())
                        .toList(),
                "ITI-65");

        String xml = given().queryParam("_format", "xml")
                .get("/fhir/metadata")
                .then()
                .statusCode(200)
                .contentType(startsWith("application/fhir+xml"))
                .extract()
                .asString();
        assertEquals(
                "4.0.1",
                R4.newXmlParser()
                        .parseResource(CapabilityStatement.class, xml)
                        .getFhirVersion()
                        .toCode());
    }

    @Test
    void aPatientReadsTheirDocumentAsADocumentReferenceAndRetrievesItsBytes() {
        String root = "1.2.250.1.999.7." + (System.nanoTime() % 1_000_000);
        String id = indexed(root + "^fhir-" + UUID.randomUUID());

        Response response = given().auth().oauth2(dominique).get("/fhir/DocumentReference/" + id);
        response.then().statusCode(200).contentType(startsWith("application/fhir+json"));
        DocumentReference reference = json(DocumentReference.class, response);

        assertEquals(id, reference.getIdElement().getIdPart());
        assertEquals("urn:oid:" + root, reference.getMasterIdentifier().getSystem());
        assertTrue(reference.getMasterIdentifier().getValue().startsWith("fhir-"));
        assertEquals("urn:uuid:" + id, reference.getIdentifierFirstRep().getValue());
        assertEquals(DocumentReferenceStatus.CURRENT, reference.getStatus());
        assertEquals("http://loinc.org", reference.getType().getCodingFirstRep().getSystem());
        assertEquals("11502-2", reference.getType().getCodingFirstRep().getCode());
        assertEquals("11", reference.getCategoryFirstRep().getCodingFirstRep().getCode());
        assertEquals(
                "urn:oid:1.2.250.1.213.1.4.10",
                reference.getSubject().getIdentifier().getSystem());
        assertEquals(
                Uploads.TEST_PATIENT, reference.getSubject().getIdentifier().getValue());
        assertEquals("Compte rendu de biologie", reference.getDescription());
        assertEquals(
                "N", reference.getSecurityLabelFirstRep().getCodingFirstRep().getCode());
        assertEquals(
                Instant.parse("2026-11-01T07:00:00Z"),
                reference.getContext().getPeriod().getStart().toInstant());
        var attachment = reference.getContentFirstRep().getAttachment();
        assertEquals("text/plain", attachment.getContentType());
        assertEquals(TEXT.length, attachment.getSize());
        assertEquals(
                Instant.parse("2026-11-02T08:30:00Z"), attachment.getCreation().toInstant());
        assertTrue(attachment.getUrl().endsWith("/fhir/Binary/" + id), attachment.getUrl());

        String binary = "/fhir/Binary/" + id;
        Response bytes = given().auth().oauth2(dominique).get(binary);
        bytes.then().statusCode(200);
        assertArrayEquals(TEXT, bytes.asByteArray());
        String etag = bytes.header("ETag");
        given().auth()
                .oauth2(dominique)
                .header("If-None-Match", etag)
                .get(binary)
                .then()
                .statusCode(304);
        Response range =
                given().auth().oauth2(dominique).header("Range", "bytes=0-11").get(binary);
        range.then().statusCode(206);
        assertEquals("Compte rendu", range.asString());

        String xml = given().auth()
                .oauth2(dominique)
                .accept("application/fhir+xml")
                .get("/fhir/DocumentReference/" + id)
                .then()
                .statusCode(200)
                .contentType(startsWith("application/fhir+xml"))
                .extract()
                .asString();
        DocumentReference fromXml = R4.newXmlParser().parseResource(DocumentReference.class, xml);
        assertTrue(reference.equalsDeep(fromXml), "the XML and JSON forms are the same resource");
    }

    @Test
    void anotherPatientsDocumentIsNotFoundAndTheRefusalIsAnOperationOutcome() {
        String id = indexed("fhir-" + UUID.randomUUID());
        String camille = KeycloakTokens.user("patient.camille");

        for (String path : List.of("/fhir/DocumentReference/", "/fhir/Binary/")) {
            Response response = given().auth().oauth2(camille).get(path + id);
            response.then().statusCode(404).contentType(startsWith("application/fhir+json"));
            var issue = json(OperationOutcome.class, response).getIssueFirstRep();
            assertEquals(IssueType.NOTFOUND, issue.getCode());
            assertEquals(
                    OperationOutcomes.PROBLEM_SYSTEM,
                    issue.getDetails().getCodingFirstRep().getSystem());
            assertEquals("not-found", issue.getDetails().getCodingFirstRep().getCode());
        }
        given().auth()
                .oauth2(camille)
                .get("/fhir/DocumentReference/not-a-uuid")
                .then()
                .statusCode(404);
    }

    @Test
    void withoutATokenOrWithAnotherRoleTheRefusalIsAnOperationOutcome() {
        String id = UUID.randomUUID().toString();

        Response anonymous = given().get("/fhir/DocumentReference/" + id);
        anonymous.then().statusCode(401).header("WWW-Authenticate", "Bearer");
        assertEquals(
                IssueType.LOGIN,
                json(OperationOutcome.class, anonymous).getIssueFirstRep().getCode());

        Response operator =
                given().auth().oauth2(KeycloakTokens.user("operator.ops")).get("/fhir/Binary/" + id);
        operator.then().statusCode(403);
        assertEquals(
                IssueType.FORBIDDEN,
                json(OperationOutcome.class, operator).getIssueFirstRep().getCode());
    }

    @Test
    void aProducerReadsWhatItSentAndNothingElseAndItsReadsAreRecorded() {
        String id = indexed("fhir-" + UUID.randomUUID());

        given().auth()
                .oauth2(hospital)
                .get("/fhir/DocumentReference/" + id)
                .then()
                .statusCode(200);
        given().auth().oauth2(hospital).get("/fhir/Binary/" + id).then().statusCode(200);
        given().auth()
                .oauth2(KeycloakTokens.laboratory())
                .get("/fhir/DocumentReference/" + id)
                .then()
                .statusCode(404);

        given().auth()
                .oauth2(dominique)
                .queryParam("limit", 100)
                .get("/api/v1/me/access-log")
                .then()
                .statusCode(200)
                .body("findAll { it.documentId == '" + id + "' }.action", hasItem("metadata"))
                .body("findAll { it.documentId == '" + id + "' }.action", hasItem("content"));
    }
}
