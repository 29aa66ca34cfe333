package fr.coffre.mhd;

import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FhirSearchTest {

    static final FhirContext R4 = FhirContext.forR4Cached();
    static final String DOMINIQUE = "urn:oid:" + Uploads.NIR_TEST + "|" + Uploads.TEST_PATIENT;
    static final String CAMILLE_INS = "180057512345627";
    static String hospital;
    static String dominique;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
        dominique = KeycloakTokens.user("patient.dominique");
    }

    /** A document of a type of this test's own (LOINC system), indexed; its Coffre id. */
    static String indexed(String token, String ins, String type, Map<String, Object> fields) {
        JsonObject metadata = Uploads.metadata("fhir-search-" + UUID.randomUUID())
                .put("typeCode", new JsonObject().put("code", type).put("system", "2.16.840.1.113883.6.1"));
        metadata.getJsonObject("patient").put("id", ins);
        fields.forEach(metadata::put);
        String id = upload(token, metadata, "Compte rendu.".getBytes(StandardCharsets.UTF_8), "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        return id;
    }

    static String type() {
        return "T-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Bundle bundle(Response response) {
        response.then().statusCode(200).contentType(startsWith("application/fhir+json"));
        return R4.newJsonParser().parseResource(Bundle.class, response.asString());
    }

    static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(e -> ((DocumentReference) e.getResource()).getIdElement().getIdPart())
                .toList();
    }

    static List<String> found(String token, Map<String, String> params) {
        RequestSpecification request = given().auth().oauth2(token).queryParam("patient.identifier", DOMINIQUE);
        params.forEach(request::queryParam);
        return ids(bundle(request.get("/fhir/DocumentReference")));
    }

    @Test
    void aPatientFindsTheirDocumentsNewestFirstPageByPageByTheNextLinks() {
        String type = type();
        String old = indexed(hospital, Uploads.TEST_PATIENT, type, Map.of("creationTime", "2024-01-10T10:00:00+01:00"));
        String middle =
                indexed(hospital, Uploads.TEST_PATIENT, type, Map.of("creationTime", "2025-06-10T10:00:00+02:00"));
        String recent = indexed(
                KeycloakTokens.laboratory(),
                Uploads.TEST_PATIENT,
                type,
                Map.of("creationTime", "2026-02-01T10:00:00+01:00"));
        indexed(hospital, CAMILLE_INS, type, Map.of("creationTime", "2026-03-01T10:00:00+01:00"));

        Bundle first = bundle(given().auth()
                .oauth2(dominique)
                .queryParam("patient.identifier", DOMINIQUE)
                .queryParam("type", "http://loinc.org|" + type)
                .queryParam("_count", 2)
                .get("/fhir/DocumentReference"));
        assertEquals(Bundle.BundleType.SEARCHSET, first.getType());
        assertEquals(List.of(recent, middle), ids(first));
        assertEquals(
                Bundle.SearchEntryMode.MATCH,
                first.getEntryFirstRep().getSearch().getMode());
        assertTrue(first.getEntryFirstRep().getFullUrl().endsWith("/fhir/DocumentReference/" + recent));
        String next = first.getLink("next").getUrl();
        for (String link : List.of(first.getLink("self").getUrl(), next)) {
            assertTrue(link.contains("/fhir/DocumentReference?_page="), link);
            assertFalse(link.contains(Uploads.TEST_PATIENT), "no INS in a link: " + link);
            assertFalse(link.contains("patient.identifier"), link);
        }

        // Followed as given: the link is already encoded.
        Bundle second = bundle(
                given().urlEncodingEnabled(false).auth().oauth2(dominique).get(next));
        assertEquals(List.of(old), ids(second));
        assertNull(second.getLink("next"), "the last page has no next link");
        assertTrue(
                second.getLink("self").getUrl().contains("_cursor="),
                second.getLink("self").getUrl());
    }

    @Test
    void aPagingLinkIsTheSearchersAloneAndIsFollowedAsGiven() {
        String type = type();
        indexed(hospital, Uploads.TEST_PATIENT, type, Map.of());
        indexed(hospital, Uploads.TEST_PATIENT, type, Map.of());
        Bundle first = bundle(given().auth()
                .oauth2(dominique)
                .queryParam("patient.identifier", DOMINIQUE)
                .queryParam("type", type)
                .queryParam("_count", 1)
                .get("/fhir/DocumentReference"));
        String next = first.getLink("next").getUrl();
        String page = next.substring(next.indexOf("_page=") + "_page=".length(), next.indexOf('&'));

        Response someoneElse =
                given().urlEncodingEnabled(false).auth().oauth2(hospital).get(next);
        someoneElse.then().statusCode(410);
        assertEquals(IssueType.EXPIRED, outcome(someoneElse).getCode());
        assertEquals(
                "search-expired",
                outcome(someoneElse).getDetails().getCodingFirstRep().getCode());
        given().auth()
                .oauth2(dominique)
                .queryParam("_page", UUID.randomUUID().toString())
                .get("/fhir/DocumentReference")
                .then()
                .statusCode(410);

        Response widened =
                given().urlEncodingEnabled(false).auth().oauth2(dominique).get(next + "&type=11502-2");
        widened.then().statusCode(400);
        assertEquals(IssueType.INVALID, outcome(widened).getCode());
        given().auth()
                .oauth2(dominique)
                .queryParam("_page", "not-a-search")
                .get("/fhir/DocumentReference")
                .then()
                .statusCode(400);

        // Past its hour, the link is refused like anyone else's.
        Database.update("UPDATE search_link SET created_at = now() - interval '2 hours' WHERE id = ?::uuid", page);
        given().urlEncodingEnabled(false)
                .auth()
                .oauth2(dominique)
                .get(next)
                .then()
                .statusCode(410);
    }

    @Test
    void eachParameterNarrowsTheSearch() {
        String type = type();
        String lab = indexed(
                hospital,
                Uploads.TEST_PATIENT,
                type,
                Map.of(
                        "classCode", "11",
                        "serviceStartTime", "2025-03-01T08:00:00+01:00",
                        "serviceStopTime", "2025-03-01T10:00:00+01:00"));
        String letter = indexed(
                hospital,
                Uploads.TEST_PATIENT,
                type,
                Map.of(
                        "classCode", "10",
                        "serviceStartTime", "2026-05-01T08:00:00+02:00",
                        "serviceStopTime", "2026-05-03T10:00:00+02:00"));
        String today = LocalDate.now(DocumentSearch.LOCAL).toString();
        String tomorrow = LocalDate.now(DocumentSearch.LOCAL).plusDays(1).toString();

        assertEquals(List.of(letter, lab), found(dominique, Map.of("type", type)));
        assertEquals(List.of(lab), found(dominique, Map.of("type", type, "category", "11")));
        assertEquals(
                List.of(letter),
                found(dominique, Map.of("type", type, "category", "urn:oid:1.2.250.1.213.1.1.4.1|10")));
        assertEquals(List.of(), found(dominique, Map.of("type", "http://snomed.info/sct|" + type)));
        assertEquals(2, found(dominique, Map.of("type", "|" + type)).size());
        assertEquals(2, found(dominique, Map.of("type", type, "date", today)).size());
        assertEquals(
                2, found(dominique, Map.of("type", type, "date", "ge" + today)).size());
        assertEquals(List.of(), found(dominique, Map.of("type", type, "date", "ge" + tomorrow)));
        assertEquals(List.of(), found(dominique, Map.of("type", type, "date", "lt2020")));
        assertEquals(List.of(lab), found(dominique, Map.of("type", type, "period", "2025-03")));
        assertEquals(List.of(letter), found(dominique, Map.of("type", type, "period", "ge2026-05-02")));
        assertEquals(List.of(lab), found(dominique, Map.of("type", type, "period", "lt2026")));
        assertEquals(
                2, found(dominique, Map.of("type", type, "status", "current")).size());
        assertEquals(List.of(), found(dominique, Map.of("type", type, "status", "superseded")));
        assertEquals(
                2,
                found(dominique, Map.of("type", type, "unknown-parameter", "x")).size());
    }

    @Test
    void aSearchByPostFindsWhatTheSameSearchByGetFinds() {
        String type = type();
        String id = indexed(hospital, Uploads.TEST_PATIENT, type, Map.of());

        Bundle bundle = bundle(given().auth()
                .oauth2(dominique)
                .contentType("application/x-www-form-urlencoded")
                .formParam("patient.identifier", DOMINIQUE)
                .formParam("type", type)
                .post("/fhir/DocumentReference/_search"));

        assertEquals(List.of(id), ids(bundle));
        assertEquals(found(dominique, Map.of("type", type)), ids(bundle));
    }

    @Test
    void aPatientSearchesOnlyTheirOwnRecordAndBadQueriesAreOperationOutcomes() {
        Response other = given().auth()
                .oauth2(dominique)
                .queryParam("patient.identifier", "urn:oid:" + Uploads.NIR_TEST + "|" + CAMILLE_INS)
                .get("/fhir/DocumentReference");
        other.then().statusCode(403).contentType(startsWith("application/fhir+json"));
        assertEquals(IssueType.FORBIDDEN, outcome(other).getCode());

        Response missing = given().auth().oauth2(dominique).get("/fhir/DocumentReference");
        missing.then().statusCode(400);
        assertEquals(IssueType.INVALID, outcome(missing).getCode());

        Response reference = given().auth()
                .oauth2(dominique)
                .queryParam("patient", "Patient/123")
                .get("/fhir/DocumentReference");
        reference.then().statusCode(400);
        assertTrue(outcome(reference).getDiagnostics().contains("patient.identifier"));

        Response badIns = given().auth()
                .oauth2(dominique)
                .queryParam("patient.identifier", "urn:oid:" + Uploads.NIR_TEST + "|279035121518988")
                .get("/fhir/DocumentReference");
        badIns.then().statusCode(422);
        assertEquals(
                "invalid-ins", outcome(badIns).getDetails().getCodingFirstRep().getCode());

        for (Map<String, String> bad : List.of(
                Map.of("date", "yesterday"),
                Map.of("date", "ne2026-01-01"),
                Map.of("_count", "1000"),
                Map.of("type", "a,b"),
                Map.of("_cursor", "not-a-cursor"))) {
            RequestSpecification request = given().auth().oauth2(dominique).queryParam("patient.identifier", DOMINIQUE);
            bad.forEach(request::queryParam);
            Response response = request.get("/fhir/DocumentReference");
            response.then().statusCode(400);
            assertEquals(IssueType.INVALID, outcome(response).getCode(), bad.toString());
        }
    }

    @Test
    void aProducerFindsOnlyWhatItSentAndEachDocumentListedIsRecorded() {
        String type = type();
        String withheld = indexed(hospital, Uploads.TEST_PATIENT, type, Map.of("withheldFromPatient", true));
        String ours = indexed(hospital, Uploads.TEST_PATIENT, type, Map.of());
        String laboratorys = indexed(KeycloakTokens.laboratory(), Uploads.TEST_PATIENT, type, Map.of());

        assertEquals(List.of(ours, withheld), found(hospital, Map.of("type", type)), "what it withholds included");
        assertEquals(
                List.of(laboratorys, ours), found(dominique, Map.of("type", type)), "the patient does not see it yet");

        given().auth()
                .oauth2(dominique)
                .queryParam("limit", 100)
                .get("/api/v1/me/access-log")
                .then()
                .statusCode(200)
                .body("findAll { it.documentId == '" + ours + "' }.action", hasItem("metadata"));
    }

    static OperationOutcome.OperationOutcomeIssueComponent outcome(Response response) {
        return R4.newJsonParser()
                .parseResource(OperationOutcome.class, response.asString())
                .getIssueFirstRep();
    }
}
