package fr.coffre.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.Authorisations;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DMP's rules for professionals, as a matrix: who (a doctor, a nurse, an emergency doctor),
 * how they relate to the patient (nothing, authorised, care team, blocked), whether they break
 * the glass, and which types of documents they then read (the DMP's matrix, built in). Camille is
 * the patient.
 */
@QuarkusTest
class ProfessionalAccessTest {

    static final String CAMILLE = "180057512345627";
    static final String CHU = "690781810"; // Dr Bernard's and nurse Morel's organisation, and the hospital's FINESS
    static final String PATH = "/api/v1/patients/" + CAMILLE + "/documents";
    static final String LOINC = "2.16.840.1.113883.6.1";
    static final String PSYCHIATRIC = "68599-0"; // a psychiatric summary: doctors read it, nurses do not
    static final String MEDICAL = "60591-5"; // a medical summary: both read it
    static String marker; // the event code of this run's documents, which the lists filter on
    static String report; // a psychiatric summary
    static String summary; // a medical summary
    static String unlisted; // a type the matrix does not list: doctors only
    static String camille;
    static String doctor;
    static String nurse;
    static String careStaff; // profession 99, genre d'activité GENR11: a medico-social facility's care staff
    static String emergencyDoctor;

    @BeforeAll
    static void documents() {
        camille = KeycloakTokens.user("patient.camille");
        doctor = KeycloakTokens.user("dr.bernard");
        nurse = KeycloakTokens.user("inf.morel");
        careStaff = KeycloakTokens.user("soins.ehpad");
        emergencyDoctor = KeycloakTokens.user("dr.urgences");
    }

    @BeforeEach
    void nothingDecided() {
        given().auth().oauth2(camille).post("/api/v1/me/reopen").then().statusCode(200);
        for (String rpps : List.of(
                Authorisations.DR_BERNARD,
                Authorisations.INF_MOREL,
                Authorisations.SOINS_EHPAD,
                Authorisations.DR_URGENCES)) {
            Authorisations.forget("patient.camille", rpps);
        }
        // No care team, not even one she ended (a producer could not declare it again).
        Database.update("DELETE FROM care_team WHERE patient_id = ?", CAMILLE);
        if (marker == null
                || Database.count(
                                "SELECT count(*) FROM document WHERE id::text IN (?, ?, ?)", report, summary, unlisted)
                        < 3) {
            // Camille's record may have been erased since: her documents for these tests, again.
            marker = "E" + System.nanoTime();
            String hospital = KeycloakTokens.hospital();
            report = indexed(hospital, PSYCHIATRIC, LOINC);
            summary = indexed(hospital, MEDICAL, LOINC);
            unlisted = indexed(hospital, "T" + System.nanoTime(), "1.2.250.1.999");
        }
    }

    static String indexed(String hospital, String typeCode, String typeSystem) {
        JsonObject metadata = Uploads.metadata("pro-" + UUID.randomUUID())
                .put("patient", new JsonObject().put("id", CAMILLE).put("system", Uploads.NIR_TEST))
                .put("typeCode", new JsonObject().put("code", typeCode).put("system", typeSystem))
                .put(
                        "eventCodes",
                        new JsonArray().add(new JsonObject().put("code", marker).put("system", "1.2.250.1.999")));
        String id = Uploads.upload(
                        hospital,
                        metadata,
                        ("document de type " + typeCode).getBytes(StandardCharsets.UTF_8),
                        "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        return id;
    }

    static Response list(String token, String emergency) {
        var request = given().auth().oauth2(token).queryParam("eventCode", marker);
        if (emergency != null) {
            request = request.header("Coffre-Emergency-Reason", emergency);
        }
        return request.get(PATH);
    }

    static void sees(String token, String emergency, String... documents) {
        list(token, emergency).then().statusCode(200).body("items.id", containsInAnyOrder((Object[]) documents));
    }

    static void refused(String token, String emergency, int status, String problem) {
        list(token, emergency)
                .then()
                .statusCode(status)
                .body("type", equalTo("https://coffre.example/problems/" + problem));
    }

    @Test
    void eachProfessionalSeesExactlyWhatTheirRelationToThePatientAndTheirProfessionAllow() {
        // No relation: nobody reads, whatever their profession.
        refused(doctor, null, 403, "professional-not-authorised");
        refused(nurse, null, 403, "professional-not-authorised");

        // Authorised by name: a doctor reads every type, a nurse what the matrix gives nurses.
        Authorisations.authorise("patient.camille", Authorisations.DR_BERNARD);
        Authorisations.authorise("patient.camille", Authorisations.INF_MOREL);
        sees(doctor, null, report, summary, unlisted);
        sees(nurse, null, summary);
        given().auth().oauth2(nurse).get(PATH + "/" + report).then().statusCode(404);
        // The matrix tells profession 99's roles apart by their genre d'activité: its care staff
        // read psychiatric summaries, which nurses do not.
        Authorisations.authorise("patient.camille", Authorisations.SOINS_EHPAD);
        sees(careStaff, null, report, summary);
        given().auth()
                .oauth2(nurse)
                .get(PATH + "/" + summary + "/content")
                .then()
                .statusCode(200);

        // Revoked: refused at once.
        Authorisations.forget("patient.camille", Authorisations.INF_MOREL);
        refused(nurse, null, 403, "professional-not-authorised");

        // Their organisation in the care team, declared by the patient: the same reads, without a name.
        Authorisations.forget("patient.camille", Authorisations.DR_BERNARD);
        given().auth()
                .oauth2(camille)
                .contentType("application/json")
                .body("{}")
                .put("/api/v1/me/care-teams/" + CHU)
                .then()
                .statusCode(200)
                .body("endsAt", notNullValue());
        sees(doctor, null, report, summary, unlisted);
        sees(nurse, null, summary);
        sees(emergencyDoctor, "urgence-vitale", report, summary, unlisted);
        refused(emergencyDoctor, null, 403, "professional-not-authorised"); // another organisation

        // A blocked professional reads nothing, not even as part of the care team.
        Authorisations.decide("patient.camille", Authorisations.DR_BERNARD, "blocked");
        refused(doctor, null, 403, "professional-not-authorised");
        sees(nurse, null, summary);

        given().auth()
                .oauth2(camille)
                .get("/api/v1/me/access-log")
                .then()
                .statusCode(200)
                .body("findAll { it.documentId == '" + summary + "' }.mode", hasItem("authorised"))
                .body("findAll { it.documentId == '" + summary + "' }.mode", hasItem("care-team"))
                .body("findAll { it.documentId == '" + summary + "' }.mode", hasItem("emergency"));
    }

    @Test
    void professionalsFindAndRetrieveThroughTheFhirDoorUnderTheSameRules() {
        String ins = "urn:oid:" + Uploads.NIR_TEST + "|" + CAMILLE;
        Response refusedSearch = given().auth()
                .oauth2(nurse)
                .queryParam("patient.identifier", ins)
                .get("/fhir/DocumentReference");
        refusedSearch.then().statusCode(403).contentType(startsWith("application/fhir+json"));
        assertEquals(
                "professional-not-authorised",
                new JsonObject(refusedSearch.asString())
                        .getJsonArray("issue")
                        .getJsonObject(0)
                        .getJsonObject("details")
                        .getJsonArray("coding")
                        .getJsonObject(0)
                        .getString("code"));
        // A document of a patient the professional may not read answers as a missing one.
        given().auth()
                .oauth2(nurse)
                .get("/fhir/DocumentReference/" + summary)
                .then()
                .statusCode(404);

        Authorisations.authorise("patient.camille", Authorisations.INF_MOREL);
        given().auth()
                .oauth2(nurse)
                .queryParam("patient.identifier", ins)
                .queryParam("event", "1.2.250.1.999|" + marker)
                .get("/fhir/DocumentReference")
                .then()
                .statusCode(200)
                .body("entry.resource.id", contains(summary));
        given().auth()
                .oauth2(nurse)
                .get("/fhir/DocumentReference/" + report)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(nurse)
                .get("/fhir/Binary/" + summary)
                .then()
                .statusCode(200)
                .body(equalTo("document de type " + MEDICAL));
        given().auth()
                .oauth2(emergencyDoctor)
                .header("Coffre-Emergency-Reason", "urgence-vitale")
                .get("/fhir/Binary/" + report)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(camille)
                .get("/api/v1/me/access-log")
                .then()
                .statusCode(200)
                .body(
                        "findAll { it.documentId == '" + summary + "' && it.action == 'content' }.accessorId",
                        hasItem(Authorisations.INF_MOREL))
                .body("findAll { it.documentId == '" + report + "' }.mode", hasItem("emergency"));
    }

    @Test
    void aProducerDeclaresThatItTreatsThePatientAndThePatientSeesAndEndsIt() {
        given().auth()
                .oauth2(KeycloakTokens.hospital())
                .contentType("application/json")
                .body(new JsonObject()
                        .put("patient", new JsonObject().put("id", CAMILLE).put("system", Uploads.NIR_TEST))
                        .encode())
                .post("/api/v1/care-teams")
                .then()
                .statusCode(200)
                .body("organisation", equalTo(CHU));
        sees(nurse, null, summary);
        given().auth()
                .oauth2(camille)
                .get("/api/v1/me/care-teams")
                .then()
                .statusCode(200)
                .body("find { it.organisation == '" + CHU + "' }.declaredBy", equalTo("producer"));

        given().auth()
                .oauth2(camille)
                .delete("/api/v1/me/care-teams/" + CHU)
                .then()
                .statusCode(204);
        refused(nurse, null, 403, "professional-not-authorised");

        // The patient ended it: the producer does not bring its team back.
        given().auth()
                .oauth2(KeycloakTokens.hospital())
                .contentType("application/json")
                .body(new JsonObject()
                        .put("patient", new JsonObject().put("id", CAMILLE).put("system", Uploads.NIR_TEST))
                        .encode())
                .post("/api/v1/care-teams")
                .then()
                .statusCode(409)
                .body("type", equalTo("https://coffre.example/problems/care-team-decided"));
        refused(nurse, null, 403, "professional-not-authorised");
    }

    @Test
    void thePatientChoosesWhenTheirCareTeamEndsSoonerOrLater() {
        String soon = OffsetDateTime.now(ZoneOffset.UTC)
                .plusDays(2)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        String later = OffsetDateTime.now(ZoneOffset.UTC)
                .plusDays(200)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        for (String endsAt : List.of(later, soon)) {
            given().auth()
                    .oauth2(camille)
                    .contentType("application/json")
                    .body(new JsonObject().put("endsAt", endsAt).encode())
                    .put("/api/v1/me/care-teams/" + CHU)
                    .then()
                    .statusCode(200);
        }
        String listed = given().auth()
                .oauth2(camille)
                .get("/api/v1/me/care-teams")
                .then()
                .statusCode(200)
                .extract()
                .path("find { it.organisation == '" + CHU + "' }.endsAt");
        assertEquals(
                OffsetDateTime.parse(soon).toInstant(),
                OffsetDateTime.parse(listed).toInstant(),
                "shortened");
        given().auth()
                .oauth2(camille)
                .contentType("application/json")
                .body(new JsonObject().put("endsAt", "+300000-01-01T00:00:00Z").encode())
                .put("/api/v1/me/care-teams/" + CHU)
                .then()
                .statusCode(422);
    }

    @Test
    void breakingTheGlassNeedsAnEmergencyContextAListedReasonAndNoBlock() {
        sees(emergencyDoctor, "patient-hors-etat", report, summary, unlisted);
        refused(emergencyDoctor, "il a l'air mal", 400, "malformed-request");
        refused(doctor, "urgence-vitale", 403, "forbidden"); // no emergency context

        Authorisations.decide("patient.camille", Authorisations.DR_URGENCES, "blocked");
        refused(emergencyDoctor, "urgence-vitale", 403, "professional-not-authorised");
        given().auth()
                .oauth2(camille)
                .get("/api/v1/me/professionals")
                .then()
                .statusCode(200)
                .body("find { it.rpps == '" + Authorisations.DR_URGENCES + "' }.state", equalTo("blocked"));
    }

    @Test
    void aProfessionalWhoReadManyPatientsInAShortTimeIsStoppedButGoesOnWithThoseAlreadyRead() {
        Authorisations.authorise("patient.camille", Authorisations.INF_MOREL);
        // The scene: the nurse has not read Camille's record within the hour...
        Database.update(
                "UPDATE access_log SET accessed_at = accessed_at - interval '2 hours' WHERE accessor_id = ?"
                        + " AND patient_id = ?",
                Authorisations.INF_MOREL,
                CAMILLE);
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            others.add("rate-" + UUID.randomUUID());
        }
        // ...and read thirty other patients' within it.
        for (String patient : others) {
            Database.update(
                    "INSERT INTO access_log (patient_system, patient_id, document_id, accessor_kind, accessor_id, role,"
                            + " action) VALUES (?, ?, ?::uuid, 'professional', ?, 'professional', 'metadata')",
                    Uploads.NIR_TEST,
                    patient,
                    UUID.randomUUID().toString(),
                    Authorisations.INF_MOREL);
        }
        try {
            Response refused = list(nurse, null);
            refused.then()
                    .statusCode(429)
                    .body("type", equalTo("https://coffre.example/problems/too-many-patients"))
                    .header("Retry-After", notNullValue());

            Database.update(
                    "INSERT INTO access_log (patient_system, patient_id, document_id, accessor_kind, accessor_id, role,"
                            + " action) VALUES (?, ?, ?::uuid, 'professional', ?, 'professional', 'metadata')",
                    Uploads.NIR_TEST,
                    CAMILLE,
                    summary,
                    Authorisations.INF_MOREL);
            sees(nurse, null, summary); // Camille was read within the hour: not a new patient
        } finally {
            Database.update(
                    "DELETE FROM access_log WHERE accessor_id = ? AND patient_id = ANY(?)",
                    Authorisations.INF_MOREL,
                    others.toArray(String[]::new));
        }
    }

    @Test
    void anErasureForgetsThePatientsAuthorisationsAndCareTeams() {
        Authorisations.authorise("patient.camille", Authorisations.DR_BERNARD);
        given().auth()
                .oauth2(camille)
                .contentType("application/json")
                .body("{}")
                .put("/api/v1/me/care-teams/" + CHU)
                .then()
                .statusCode(200);

        given().auth().oauth2(camille).delete("/api/v1/me").then().statusCode(200);
        given().auth().oauth2(camille).post("/api/v1/me/reopen").then().statusCode(200);

        assertEquals(
                List.of(),
                given().auth()
                        .oauth2(camille)
                        .get("/api/v1/me/professionals")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("$"));
        assertEquals(
                List.of(),
                given().auth()
                        .oauth2(camille)
                        .get("/api/v1/me/care-teams")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("$"));
        marker = null; // her documents went with the rest
    }
}
