package fr.coffre.access;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A patient's erasure is atomic with the ingestion of their documents, closes their record until
 * they reopen it, and leaves a proof without content (issue 15, item 3).
 */
@QuarkusTest
class ErasureTest {

    static final String CAMILLE = PatientAccessTest.CAMILLE;
    static String hospital;
    static String camille;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
        camille = KeycloakTokens.user("patient.camille");
    }

    // Other tests file documents for this patient; a stopped run may have left the record closed.
    @BeforeEach
    @AfterEach
    void reopenTheRecord() {
        reopen();
    }

    @Test
    void aClosedRecordRefusesNewDocumentsUntilThePatientReopensIt() {
        upload("erasure-" + UUID.randomUUID()).then().statusCode(201);

        var erasure = given().auth()
                .oauth2(camille)
                .delete("/api/v1/me")
                .then()
                .statusCode(200)
                .body("erasedAt", notNullValue())
                .extract();
        int erased = erasure.path("erasedDocuments");
        Instant erasedAt = Instant.parse(erasure.path("erasedAt"));

        var pendingBefore = new HashSet<>(Database.strings("SELECT object_key FROM pending_object"));
        String refusedId = "erasure-" + UUID.randomUUID();
        upload(refusedId)
                .then()
                .statusCode(409)
                .body("type", equalTo("https://coffre.example/problems/record-closed"))
                .body("detail", containsString("closed their record on " + erasedAt + ";"));
        assertEquals(0, Database.count("SELECT count(*) FROM document WHERE unique_id = ?", refusedId));
        assertEquals(
                pendingBefore,
                new HashSet<>(Database.strings("SELECT object_key FROM pending_object")),
                "the refused document's bytes are deleted, not left to the sweeper");

        given().auth()
                .oauth2(camille)
                .get("/api/v1/me/erasures")
                .then()
                .statusCode(200)
                .body("[-1].erasedDocuments", equalTo(erased))
                .body("[-1].erasedAt", notNullValue())
                .body("[-1].reopenedAt", nullValue());

        given().auth()
                .oauth2(camille)
                .post("/api/v1/me/reopen")
                .then()
                .statusCode(200)
                .body("reopened", equalTo(true));
        upload("erasure-" + UUID.randomUUID()).then().statusCode(201);
        given().auth().oauth2(camille).get("/api/v1/me/erasures").then().body("[-1].reopenedAt", notNullValue());
    }

    @Test
    void aDocumentCommittingDuringTheErasureIsErasedWithIt() throws Exception {
        try (Connection connection = Database.connect();
                Statement sql = connection.createStatement()) {
            // Holds the commit of one document for three seconds, inside its transaction.
            sql.execute("CREATE OR REPLACE FUNCTION erasure_test_slow_commit() RETURNS trigger LANGUAGE plpgsql "
                    + "AS $$ BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$");
            sql.execute("DROP TRIGGER IF EXISTS erasure_test_slow_commit ON document");
            sql.execute("CREATE TRIGGER erasure_test_slow_commit BEFORE INSERT ON document FOR EACH ROW "
                    + "WHEN (NEW.unique_id LIKE 'slow-commit-%') EXECUTE FUNCTION erasure_test_slow_commit()");
            try (ExecutorService producer = Executors.newSingleThreadExecutor()) {
                Future<Response> committing = producer.submit(() -> upload("slow-commit-" + UUID.randomUUID()));
                await("the document's commit under way")
                        .atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() ->
                                Database.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
                                        > 0);

                int erased = given().auth()
                        .oauth2(camille)
                        .delete("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("erasedDocuments");

                Response committed = committing.get(30, TimeUnit.SECONDS);
                assertEquals(201, committed.statusCode(), committed.asString());
                assertEquals(
                        0,
                        Database.count("SELECT count(*) FROM document WHERE patient_id = ?", CAMILLE),
                        "the erasure waited for the commit under way and erased its document too");
                assertTrue(erased >= 1, "counted: " + erased);
            } finally {
                sql.execute("DROP TRIGGER IF EXISTS erasure_test_slow_commit ON document");
                sql.execute("DROP FUNCTION IF EXISTS erasure_test_slow_commit()");
            }
        }
    }

    private static Response upload(String uniqueId) {
        JsonObject metadata = Uploads.metadata(uniqueId)
                .put("patient", new JsonObject().put("id", CAMILLE).put("system", Uploads.NIR_TEST));
        return Uploads.upload(
                hospital, metadata, "Compte rendu pour Camille.".getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    private static void reopen() {
        given().auth().oauth2(camille).post("/api/v1/me/reopen").then().statusCode(200);
    }
}
