package fr.coffre.access;

import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.Identifier;
import fr.coffre.ingest.Producer;
import fr.coffre.testing.Authorisations;
import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.StoredObjects;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PatientAccessTest {

    static final String DOMINIQUE = "279035121518989";
    static final String CAMILLE = "180057512345627";
    static final String NIR_TEST = "1.2.250.1.213.1.4.10";
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static String hospital;
    static String dominique;
    static String doctor;

    @Inject
    Pool pool;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
        dominique = KeycloakTokens.user("patient.dominique");
        doctor = KeycloakTokens.user("dr.bernard");
    }

    // A run stopped between an erasure and its reopening leaves Camille's record closed; the
    // service is reachable from the test instance on, not in @BeforeAll.
    @BeforeEach
    void camillesRecordOpen() {
        given().auth()
                .oauth2(KeycloakTokens.user("patient.camille"))
                .post("/api/v1/me/reopen")
                .then()
                .statusCode(200);
        // Both let Dr Bernard read their records (an erasure forgets it).
        Authorisations.authorise("patient.dominique", Authorisations.DR_BERNARD);
        Authorisations.authorise("patient.camille", Authorisations.DR_BERNARD);
    }

    /** A document for a patient, with a type code of its own so that lists can be narrowed to one test. */
    String indexed(
            String token,
            String ins,
            String typeCode,
            String title,
            String text,
            String creationTime,
            JsonObject extra) {
        JsonObject metadata = new JsonObject()
                .put("uniqueId", "access-" + UUID.randomUUID())
                .put("patient", new JsonObject().put("id", ins).put("system", NIR_TEST))
                .put("typeCode", new JsonObject().put("code", typeCode).put("system", "2.16.840.1.113883.6.1"))
                .put("title", title)
                .put("creationTime", creationTime);
        if (extra != null) {
            metadata.mergeIn(extra);
        }
        String id = upload(token, metadata, text.getBytes(StandardCharsets.UTF_8), "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        return id;
    }

    static String typeCode() {
        return "T-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aPatientListsTheirDocumentsNewestFirstPageByPage() {
        String type = typeCode();
        String old =
                indexed(hospital, DOMINIQUE, type, "Ancien", "compte rendu ancien", "2024-01-10T10:00:00+01:00", null);
        String middle = indexed(hospital, DOMINIQUE, type, "Milieu", "compte rendu", "2025-06-10T10:00:00+02:00", null);
        String recent = indexed(
                KeycloakTokens.laboratory(),
                DOMINIQUE,
                type,
                "Récent",
                "compte rendu",
                "2026-02-01T10:00:00+01:00",
                null);
        indexed(hospital, CAMILLE, type, "Pas le vôtre", "compte rendu", "2026-03-01T10:00:00+01:00", null);

        Response first = given().auth()
                .oauth2(dominique)
                .queryParam("typeCode", type)
                .queryParam("limit", 2)
                .get("/api/v1/me/documents");
        first.then().statusCode(200).body("items.id", equalTo(List.of(recent, middle)));
        given().auth()
                .oauth2(dominique)
                .queryParam("typeCode", type)
                .queryParam("limit", 2)
                .queryParam("cursor", first.path("next").toString())
                .get("/api/v1/me/documents")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(old)))
                .body("next", nullValue());

        given().auth()
                .oauth2(dominique)
                .queryParam("typeCode", type)
                .queryParam("from", "2025-01-01")
                .queryParam("to", "2026-01-01")
                .get("/api/v1/me/documents")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(middle)));
        given().auth()
                .oauth2(dominique)
                .queryParam("typeCode", type)
                .queryParam("producer", "750056335")
                .get("/api/v1/me/documents")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(recent)));
        given().auth()
                .oauth2(dominique)
                .queryParam("cursor", "not-a-cursor")
                .get("/api/v1/me/documents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(dominique)
                .queryParam("from", "yesterday")
                .get("/api/v1/me/documents")
                .then()
                .statusCode(400)
                .body("detail", containsString("from"));
    }

    @Test
    void aPatientSearchesInFrenchWithoutAccentsAndSeesWhereItMatched() {
        String type = typeCode();
        String id = indexed(
                hospital,
                DOMINIQUE,
                type,
                "Imagerie",
                "Échographie cardiaque <script>alert(1)</script> : "
                        + "ventricule gauche non dilaté, fonction systolique préservée.",
                "2026-01-05T09:00:00+01:00",
                null);
        given().auth()
                .oauth2(dominique)
                .queryParam("typeCode", type)
                .queryParam("q", "echographie dilate preservee")
                .get("/api/v1/me/documents")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(id)))
                .body("items[0].snippet", containsString("<mark>Échographie</mark>"))
                .body("items[0].snippet", not(containsString("<script>")));
        given().auth()
                .oauth2(dominique)
                .queryParam("typeCode", type)
                .queryParam("q", "scanner")
                .get("/api/v1/me/documents")
                .then()
                .statusCode(200)
                .body("items", hasSize(0));
    }

    @Test
    void aPatientReadsTheirDocumentAndItsBytesButNotAnotherPatients() {
        String type = typeCode();
        String text = "Compte rendu de consultation: tension 12/8, poids stable.";
        String mine = indexed(
                hospital,
                DOMINIQUE,
                type,
                "Consultation ../../etc/passwd \"é\"",
                text,
                "2026-01-05T09:00:00+01:00",
                null);
        String theirs = indexed(hospital, CAMILLE, type, "Consultation", text, "2026-01-05T09:00:00+01:00", null);

        given().auth()
                .oauth2(dominique)
                .get("/api/v1/me/documents/" + mine)
                .then()
                .statusCode(200)
                .body("id", equalTo(mine))
                .body("status", equalTo("INDEXED"))
                .body("objectKey", nullValue());
        Response missing = given().auth().oauth2(dominique).get("/api/v1/me/documents/" + UUID.randomUUID());
        Response other = given().auth().oauth2(dominique).get("/api/v1/me/documents/" + theirs);
        missing.then().statusCode(404);
        other.then().statusCode(404).body("type", equalTo(missing.path("type")));
        given().auth()
                .oauth2(dominique)
                .get("/api/v1/me/documents/" + theirs + "/content")
                .then()
                .statusCode(404);

        Response content = given().auth().oauth2(dominique).get("/api/v1/me/documents/" + mine + "/content");
        content.then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", containsString("filename=\"Consultation_.._.._etc_passwd_e_.txt\""));
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), content.asByteArray());
        String etag = content.header("ETag");
        given().auth()
                .oauth2(dominique)
                .header("If-None-Match", etag)
                .get("/api/v1/me/documents/" + mine + "/content")
                .then()
                .statusCode(304);
        Response range = given().auth()
                .oauth2(dominique)
                .header("Range", "bytes=0-15")
                .get("/api/v1/me/documents/" + mine + "/content");
        range.then()
                .statusCode(206)
                .header("Content-Range", "bytes 0-15/" + text.getBytes(StandardCharsets.UTF_8).length);
        assertArrayEquals(Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), 16), range.asByteArray());
        given().auth()
                .oauth2(dominique)
                .header("Range", "bytes=-6")
                .get("/api/v1/me/documents/" + mine + "/content")
                .then()
                .statusCode(206)
                .body(equalTo("table."));
        given().auth()
                .oauth2(dominique)
                .header("Range", "bytes=100000-")
                .get("/api/v1/me/documents/" + mine + "/content")
                .then()
                .statusCode(416)
                .header("Content-Range", "bytes */" + text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void nothingDownloadedCanRunInABrowserAndAnAbsurdRangeIsAnsweredNotFailed() {
        String text = "Compte rendu en texte.";
        String mine = indexed(hospital, DOMINIQUE, typeCode(), "Texte", text, "2026-01-05T09:00:00+01:00", null);
        String path = "/api/v1/me/documents/" + mine + "/content";
        given().auth()
                .oauth2(dominique)
                .get(path)
                .then()
                .statusCode(200)
                .header("Content-Security-Policy", "sandbox")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", startsWith("inline;"));
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        for (String past : List.of("bytes=0-99999999999999999999", "bytes=-99999999999999999999")) {
            given().auth()
                    .oauth2(dominique)
                    .header("Range", past)
                    .get(path)
                    .then()
                    .statusCode(206)
                    .header("Content-Range", "bytes 0-" + (size - 1) + "/" + size)
                    .body(equalTo(text));
        }
        given().auth()
                .oauth2(dominique)
                .header("Range", "bytes=99999999999999999999-")
                .get(path)
                .then()
                .statusCode(416)
                .contentType(containsString("application/problem+json"));

        // XML (a CDA's narrative is XHTML) is never displayed: downloaded, and sandboxed all the same.
        String cda = new String(Corpus.bytes("cda/BIO-CR-BIO_2024.01_TSH_1.xml"), StandardCharsets.UTF_8)
                .replace(
                        "<id root=\"1.2.250.1.213.1.1.1.55.2024.9.1\"/>",
                        "<id root=\"1.2.250.1.213.1.1.1.55.2024.9.1\" extension=\"" + UUID.randomUUID() + "\"/>");
        String xml = upload(
                        KeycloakTokens.radiology(), new JsonObject(), cda.getBytes(StandardCharsets.UTF_8), "text/xml")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(KeycloakTokens.radiology())
                .get("/api/v1/documents/" + xml + "/content")
                .then()
                .statusCode(200)
                .header("Content-Security-Policy", "sandbox")
                .header("Content-Disposition", startsWith("attachment;"));
    }

    @Test
    void aHiddenDocumentIsShownToProfessionalsOnlyInARecordedEmergency() {
        String type = typeCode();
        String hidden = indexed(
                hospital,
                DOMINIQUE,
                type,
                "Psychiatrie",
                "compte rendu confidentiel",
                "2026-01-05T09:00:00+01:00",
                null);
        String shown =
                indexed(hospital, DOMINIQUE, type, "Radiographie", "compte rendu", "2026-01-04T09:00:00+01:00", null);
        given().auth()
                .oauth2(dominique)
                .contentType("application/json")
                .body("{\"hiddenFromProfessionals\": true}")
                .put("/api/v1/me/documents/" + hidden + "/visibility")
                .then()
                .statusCode(200)
                .body("hiddenFromProfessionals", equalTo(true));

        given().auth()
                .oauth2(doctor)
                .queryParam("typeCode", type)
                .get("/api/v1/patients/" + DOMINIQUE + "/documents")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(shown)));
        given().auth()
                .oauth2(doctor)
                .get("/api/v1/patients/" + DOMINIQUE + "/documents/" + hidden)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(doctor)
                .get("/api/v1/patients/" + DOMINIQUE + "/documents/" + hidden + "/content")
                .then()
                .statusCode(404);
        String emergencyDoctor = KeycloakTokens.user("dr.urgences");
        given().auth()
                .oauth2(emergencyDoctor)
                .header("Coffre-Emergency-Reason", "patient-hors-etat")
                .get("/api/v1/patients/" + DOMINIQUE + "/documents/" + hidden + "/content")
                .then()
                .statusCode(200)
                .body(equalTo("compte rendu confidentiel"));

        given().auth()
                .oauth2(dominique)
                .queryParam("limit", 100)
                .get("/api/v1/me/access-log")
                .then()
                .statusCode(200)
                .body("findAll { it.documentId == '" + hidden + "' }.emergency", hasItem(true))
                .body("findAll { it.documentId == '" + hidden + "' }.reason", hasItem("patient-hors-etat"))
                .body("findAll { it.documentId == '" + hidden + "' }.mode", hasItem("emergency"))
                .body("findAll { it.documentId == '" + hidden + "' }.accessorId", hasItem(Authorisations.DR_URGENCES))
                .body("findAll { it.documentId == '" + shown + "' }.action", hasItem("metadata"));

        given().auth()
                .oauth2(dominique)
                .contentType("application/json")
                .body("{\"refused\": true}")
                .put("/api/v1/me/emergency-access")
                .then()
                .statusCode(200);
        try {
            given().auth()
                    .oauth2(emergencyDoctor)
                    .header("Coffre-Emergency-Reason", "urgence-vitale")
                    .get("/api/v1/patients/" + DOMINIQUE + "/documents/" + hidden)
                    .then()
                    .statusCode(403)
                    .body("type", equalTo("https://coffre.example/problems/emergency-access-refused"));
        } finally {
            given().auth()
                    .oauth2(dominique)
                    .contentType("application/json")
                    .body("{\"refused\": false}")
                    .put("/api/v1/me/emergency-access")
                    .then()
                    .statusCode(200);
        }
        given().auth()
                .oauth2(dominique)
                .contentType("application/json")
                .body("{\"hiddenFromProfessionals\": false}")
                .put("/api/v1/me/documents/" + hidden + "/visibility")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(doctor)
                .get("/api/v1/patients/" + DOMINIQUE + "/documents/" + hidden)
                .then()
                .statusCode(200);
    }

    @Test
    void aProducerWithholdsADocumentUntilExplainedThenReleasesIt() {
        String type = typeCode();
        String id = indexed(
                hospital,
                DOMINIQUE,
                type,
                "Annonce diagnostique",
                "résultat à expliquer en consultation",
                "2026-01-05T09:00:00+01:00",
                new JsonObject().put("withheldFromPatient", true));
        given().auth()
                .oauth2(dominique)
                .get("/api/v1/me/documents/" + id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(dominique)
                .queryParam("typeCode", type)
                .get("/api/v1/me/documents")
                .then()
                .body("items", hasSize(0));
        given().auth()
                .oauth2(doctor)
                .get("/api/v1/patients/" + DOMINIQUE + "/documents/" + id)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(KeycloakTokens.laboratory())
                .contentType("application/json")
                .body("{\"withheld\": false}")
                .put("/api/v1/documents/" + id + "/patient-visibility")
                .then()
                .statusCode(404);

        given().auth()
                .oauth2(hospital)
                .contentType("application/json")
                .body("{\"withheld\": false}")
                .put("/api/v1/documents/" + id + "/patient-visibility")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(dominique)
                .get("/api/v1/me/documents/" + id)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(dominique)
                .queryParam("limit", 100)
                .get("/api/v1/me/access-log")
                .then()
                .body("findAll { it.documentId == '" + id + "' }.action", hasItem("release"))
                .body("findAll { it.documentId == '" + id + "' }.accessorId", hasItem("690781810"));
    }

    @Test
    void onlyItsProducerDeletesADocumentAndTheDeletionIsRecorded() {
        String type = typeCode();
        String id = indexed(
                hospital, DOMINIQUE, type, "Erreur", "document envoyé par erreur", "2026-01-05T09:00:00+01:00", null);
        given().auth()
                .oauth2(KeycloakTokens.laboratory())
                .delete("/api/v1/documents/" + id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(dominique)
                .delete("/api/v1/documents/" + id)
                .then()
                .statusCode(403);
        given().auth().oauth2(hospital).delete("/api/v1/documents/" + id).then().statusCode(204);
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/documents/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("DELETED"));
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/documents/" + id + "/content")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(dominique)
                .get("/api/v1/me/documents/" + id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(doctor)
                .get("/api/v1/patients/" + DOMINIQUE + "/documents/" + id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(dominique)
                .queryParam("limit", 100)
                .get("/api/v1/me/access-log")
                .then()
                .body("findAll { it.documentId == '" + id + "' }.action", hasItem("delete"))
                .body("findAll { it.documentId == '" + id + "' }.action", hasItem("content"));
    }

    @Test
    void aProducerLookingAtItsSubmissionIsRecordedToo() {
        String id = indexed(hospital, DOMINIQUE, typeCode(), "Note", "note", "2026-01-05T09:00:00+01:00", null);
        String submission =
                given().auth().oauth2(hospital).get("/api/v1/documents/" + id).path("submissionId");
        long before = count("SELECT count(*) FROM access_log WHERE document_id = $1", UUID.fromString(id));
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/submissions/" + submission)
                .then()
                .statusCode(200);
        assertEquals(before + 1, count("SELECT count(*) FROM access_log WHERE document_id = $1", UUID.fromString(id)));
    }

    @Test
    void aPatientAddsADocumentOfTheirOwn() {
        byte[] pdf = Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf");
        Response added = given().auth()
                .oauth2(dominique)
                .multiPart(
                        "metadata",
                        "m.json",
                        new JsonObject().put("title", "Mon ordonnance").encode().getBytes(),
                        "application/json")
                .multiPart("content", "scan.pdf", pdf, "application/pdf")
                .post("/api/v1/me/documents");
        added.then().statusCode(201).body("patient.id", equalTo(DOMINIQUE)).body("typeCode.code", equalTo("51855-5"));
        String id = added.path("id");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        given().auth()
                .oauth2(dominique)
                .get("/api/v1/me/documents/" + id)
                .then()
                .statusCode(200)
                .body("patientAuthored", equalTo(true))
                .body("title", equalTo("Mon ordonnance"));

        given().auth()
                .oauth2(dominique)
                .multiPart("content", "x.xml", Corpus.bytes("cda/BIO-CR-BIO_2024.01_TSH_1.xml"), "text/xml")
                .post("/api/v1/me/documents")
                .then()
                .statusCode(415);
        byte[] big = new byte[6 * 1024 * 1024];
        System.arraycopy(pdf, 0, big, 0, pdf.length);
        given().auth()
                .oauth2(dominique)
                .multiPart("content", "big.pdf", big, "application/pdf")
                .post("/api/v1/me/documents")
                .then()
                .statusCode(413);
        given().auth()
                .oauth2(dominique)
                .multiPart(
                        "metadata",
                        "m.json",
                        new JsonObject()
                                .put(
                                        "patient",
                                        new JsonObject().put("id", CAMILLE).put("system", NIR_TEST))
                                .encode()
                                .getBytes(),
                        "application/json")
                .multiPart("content", "scan.pdf", pdf, "application/pdf")
                .post("/api/v1/me/documents")
                .then()
                .statusCode(403);
    }

    @Test
    void closingAnAccountErasesDocumentsObjectsIndexAndLog() {
        String camille = KeycloakTokens.user("patient.camille");
        String type = typeCode();
        String first = indexed(hospital, CAMILLE, type, "Bilan", "bilan sanguin", "2026-01-05T09:00:00+01:00", null);
        String second = indexed(
                KeycloakTokens.radiology(),
                CAMILLE,
                type,
                "Radio",
                "radio du thorax",
                "2026-01-06T09:00:00+01:00",
                null);
        given().auth()
                .oauth2(doctor)
                .get("/api/v1/patients/" + CAMILLE + "/documents/" + first)
                .then()
                .statusCode(200);
        List<String> keys = List.of(objectKey(first), objectKey(second));
        assertTrue(keys.stream().allMatch(StoredObjects::exists));
        given().auth()
                .oauth2(camille)
                .multiPart("content", "scan.pdf", Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf"), "application/pdf")
                .post("/api/v1/me/documents")
                .then()
                .statusCode(201);
        String ownUploads = Producer.patient(new Identifier(NIR_TEST, CAMILLE)).id();
        assertEquals(1, count("SELECT count(*) FROM producer_quota WHERE producer_id = $1", ownUploads));

        given().auth()
                .oauth2(camille)
                .queryParam("patient.identifier", "urn:oid:" + NIR_TEST + "|" + CAMILLE)
                .get("/fhir/DocumentReference")
                .then()
                .statusCode(200);
        assertTrue(
                count("SELECT count(*) FROM search_link WHERE patient_id = $1", CAMILLE) > 0,
                "her search, kept for its paging links");

        given().auth().oauth2(camille).delete("/api/v1/me").then().statusCode(200);

        assertTrue(keys.stream().noneMatch(StoredObjects::exists), "the objects are gone from the store");
        assertEquals(0, count("SELECT count(*) FROM document WHERE patient_id = $1", CAMILLE));
        assertEquals(0, count("SELECT count(*) FROM document_index WHERE document_id = ANY($1)", new UUID[] {
            UUID.fromString(first), UUID.fromString(second)
        }));
        assertEquals(0, count("SELECT count(*) FROM access_log WHERE patient_id = $1", CAMILLE));
        assertEquals(
                0,
                count("SELECT count(*) FROM search_link WHERE patient_id = $1", CAMILLE),
                "the searches of her record");
        assertEquals(
                0,
                count("SELECT count(*) FROM producer_quota WHERE producer_id = $1", ownUploads),
                "the rate bucket of the patient's own uploads");
        given().auth()
                .oauth2(camille)
                .get("/api/v1/me/documents")
                .then()
                .statusCode(200)
                .body("items", hasSize(0));
        given().auth().oauth2(hospital).get("/api/v1/documents/" + first).then().statusCode(404);
        assertFalse(StoredObjects.exists(keys.get(0)));
        // Closed by the erasure (ErasureTest); other tests file documents for Camille.
        given().auth().oauth2(camille).post("/api/v1/me/reopen").then().statusCode(200);
    }

    String objectKey(String id) {
        return pool.preparedQuery("SELECT object_key FROM document WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id)))
                .await()
                .atMost(DEADLINE)
                .iterator()
                .next()
                .getString(0);
    }

    long count(String sql, Object value) {
        return pool.preparedQuery(sql)
                .execute(Tuple.of(value))
                .await()
                .atMost(DEADLINE)
                .iterator()
                .next()
                .getLong(0);
    }
}
