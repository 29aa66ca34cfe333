package fr.coffre.ingest;

import static fr.coffre.testing.Uploads.metadata;
import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Submissions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SubmissionTest {

    static final String PDF = "pdf/CR-BIO_TSH_rendition.pdf";
    static final String OTHER_PDF = "pdf/CR-IMG_N1_rendition.pdf";
    static final String CDA = "cda/BIO-CR-BIO_2024.01_TSH_1.xml";
    static String hospital;

    @Inject
    Pool pool;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
    }

    static String uniqueId() {
        return "batch-" + UUID.randomUUID();
    }

    static JsonObject entry(String uniqueId, String part) {
        return metadata(uniqueId).put("part", part);
    }

    @Test
    void eachDocumentOfABatchSucceedsOrFailsOnItsOwn() {
        String good = uniqueId();
        String badIns = uniqueId();
        String disguised = uniqueId();
        String missing = uniqueId();
        String alsoGood = uniqueId();
        JsonArray manifest = new JsonArray()
                .add(entry(good, "a"))
                .add(new JsonObject().put("part", "cda")) // everything else comes from the CDA header
                .add(entry(badIns, "b")
                        .put(
                                "patient",
                                new JsonObject().put("id", "279035121518900").put("system", "1.2.250.1.213.1.4.10")))
                .add(entry(disguised, "c").put("mediaType", "application/pdf"))
                .add(entry(missing, "never-sent"))
                .add(entry(alsoGood, "d"));
        Response answer = Submissions.withManifest(manifest)
                .part("a", "application/pdf", Corpus.bytes(PDF))
                .part("cda", "text/xml", Corpus.bytes(CDA))
                .part("b", "application/pdf", Corpus.bytes(OTHER_PDF))
                .part("c", "application/pdf", Corpus.bytes("bad/elf-executable-disguised.pdf"))
                .part("stray", "application/pdf", Corpus.bytes(PDF))
                .part("d", "application/pdf", Corpus.bytes(OTHER_PDF))
                .send(hospital);

        answer.then()
                .statusCode(201)
                .header("Location", endsWith("/api/v1/submissions/" + answer.path("id")))
                .body("state", equalTo("COMPLETE"))
                .body("expected", equalTo(6))
                .body("documents", hasSize(7))
                .body("documents[0].part", equalTo("a"))
                .body("documents[0].outcome", equalTo("created"))
                .body("documents[0].document.uniqueId", equalTo(good))
                .body("documents[0].document.status", oneOf("STORED", "INDEXED"))
                .body("documents[0].document.submissionId", equalTo(answer.path("id")))
                .body("documents[1].outcome", oneOf("created", "duplicate")) // other tests send this CDA too
                .body("documents[1].document.patient.id", equalTo("279035121518989"))
                .body("documents[1].document.typeCode.code", equalTo("11502-2"))
                .body("documents[2].outcome", equalTo("rejected"))
                .body("documents[2].uniqueId", equalTo(badIns))
                .body("documents[2].document", nullValue())
                .body("documents[2].problem.type", equalTo("https://coffre.example/problems/invalid-ins"))
                .body("documents[2].problem.status", equalTo(422))
                .body("documents[3].outcome", equalTo("rejected"))
                .body("documents[3].problem.status", equalTo(415))
                .body("documents[4].part", equalTo("never-sent"))
                .body("documents[4].outcome", equalTo("rejected"))
                .body("documents[4].problem.type", equalTo("https://coffre.example/problems/missing-part"))
                .body("documents[5].outcome", equalTo("created"))
                .body("documents[5].document.uniqueId", equalTo(alsoGood))
                .body("documents[6].part", equalTo("stray"))
                .body("documents[6].problem.type", equalTo("https://coffre.example/problems/unexpected-part"))
                .body("counts.rejected", equalTo(4));

        String goodId = answer.path("documents[0].document.id");
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/documents/" + goodId)
                .then()
                .statusCode(200)
                .body("submissionId", equalTo(answer.path("id")));
        assertEquals(
                0,
                count(
                        "SELECT count(*) FROM document WHERE unique_id = ANY($1)",
                        new String[] {badIns, disguised, missing}),
                "refused documents leave no row");

        given().auth()
                .oauth2(hospital)
                .get(answer.header("Location"))
                .then()
                .statusCode(200)
                .body("documents", hasSize(7))
                .body("documents[0].document.id", equalTo(goodId))
                .body("documents[2].problem.type", equalTo("https://coffre.example/problems/invalid-ins"));
    }

    @Test
    void aResentBatchCreatesNothingTwice() {
        String first = uniqueId();
        String second = uniqueId();
        JsonArray manifest = new JsonArray().add(entry(first, "one")).add(entry(second, "two"));
        Submissions batch = Submissions.withManifest(manifest)
                .part("one", "application/pdf", Corpus.bytes(PDF))
                .part("two", "application/pdf", Corpus.bytes(OTHER_PDF));
        Response sent = batch.send(hospital);
        sent.then().statusCode(201).body("counts.created", equalTo(2));
        Response again = batch.send(hospital);
        again.then()
                .statusCode(201)
                .body("counts.created", equalTo(0))
                .body("counts.duplicate", equalTo(2))
                .body("documents[0].outcome", equalTo("duplicate"))
                .body("documents[0].document.id", equalTo(sent.path("documents[0].document.id")))
                .body("documents[1].document.id", equalTo(sent.path("documents[1].document.id")));
        assertEquals(2, count("SELECT count(*) FROM document WHERE unique_id = ANY($1)", new String[] {first, second}));
    }

    @Test
    void aDocumentOverTheSizeLimitIsRefusedAndTheNextOneStillRead() {
        String tooLarge = uniqueId();
        String after = uniqueId();
        byte[] big = new byte[9 * 1024 * 1024]; // %test limit is 8 MiB
        byte[] head = Corpus.bytes(PDF);
        System.arraycopy(head, 0, big, 0, head.length);
        Submissions.withManifest(new JsonArray().add(entry(tooLarge, "big")).add(entry(after, "after")))
                .part("big", "application/pdf", big)
                .part("after", "application/pdf", Corpus.bytes(PDF))
                .send(hospital)
                .then()
                .statusCode(201)
                .body("documents[0].problem.status", equalTo(413))
                .body("documents[1].outcome", equalTo("created"))
                .body("documents[1].document.size", equalTo(head.length));
    }

    @Test
    void aBodyThatBreaksOffKeepsWhatWasAcceptedAndSaysSo() {
        String kept = uniqueId();
        String cut = uniqueId();
        Submissions batch = Submissions.withManifest(
                        new JsonArray().add(entry(kept, "kept")).add(entry(cut, "cut")))
                .part("kept", "application/pdf", Corpus.bytes(PDF));
        byte[] broken = batch.truncatedInside("cut", "application/pdf", Corpus.bytes(OTHER_PDF));
        Response answer = batch.send(hospital, broken);
        answer.then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://coffre.example/problems/malformed-request"));
        String submission = answer.path("submissionId");
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/submissions/" + submission)
                .then()
                .statusCode(200)
                .body("state", equalTo("INCOMPLETE"))
                .body("documents", hasSize(1))
                .body("documents[0].outcome", equalTo("created"))
                .body("documents[0].document.uniqueId", equalTo(kept));
        assertEquals(0, count("SELECT count(*) FROM document WHERE unique_id = ANY($1)", new String[] {cut}));
    }

    @Test
    void aFewStrayPartsAreListedButManyBreakTheRequestOff() {
        String kept = uniqueId();
        Submissions batch = Submissions.withManifest(new JsonArray().add(entry(kept, "kept")))
                .part("kept", "application/pdf", Corpus.bytes(PDF));
        for (int i = 0; i <= 16; i++) {
            batch.part("stray-" + i, "text/plain", "x".getBytes(StandardCharsets.UTF_8));
        }
        Response answer = batch.send(hospital);
        answer.then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://coffre.example/problems/malformed-request"))
                .body("detail", containsString("16"));
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/submissions/" + answer.path("submissionId"))
                .then()
                .statusCode(200)
                .body("state", equalTo("INCOMPLETE"))
                .body("documents", hasSize(17))
                .body("documents[0].outcome", equalTo("created"))
                .body("documents[16].problem.type", equalTo("https://coffre.example/problems/unexpected-part"));
    }

    @Test
    void aManifestThatCannotBeFollowedIsRefusedWhole() {
        String unique = uniqueId();
        Submissions.withManifest(new JsonArray().add(entry(unique, "x")).add(entry(uniqueId(), "x")))
                .part("x", "application/pdf", Corpus.bytes(PDF))
                .send(hospital)
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://coffre.example/problems/invalid-metadata"))
                .body("detail", containsString("part x"));
        Submissions.withManifest(
                        new JsonArray().add(new JsonObject().put("part", "y").put("uniqeId", "typo")))
                .part("y", "application/pdf", Corpus.bytes(PDF))
                .send(hospital)
                .then()
                .statusCode(422)
                .body("detail", containsString("uniqeId"));
        new Submissions()
                .part("content", "application/pdf", Corpus.bytes(PDF))
                .send(hospital)
                .then()
                .statusCode(400)
                .body("detail", containsString("manifest"));
        assertEquals(0, count("SELECT count(*) FROM document WHERE unique_id = ANY($1)", new String[] {unique}));
    }

    @Test
    void aSubmissionIsShownOnlyToItsProducer() {
        Response answer = Submissions.withManifest(new JsonArray().add(entry(uniqueId(), "a")))
                .part("a", "application/pdf", Corpus.bytes(PDF))
                .send(hospital);
        answer.then().statusCode(201);
        given().auth()
                .oauth2(KeycloakTokens.laboratory())
                .get(answer.header("Location"))
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().get(answer.header("Location")).then().statusCode(401);
        given().auth()
                .oauth2(KeycloakTokens.user("patient.dominique"))
                .get(answer.header("Location"))
                .then()
                .statusCode(403);
    }

    @Test
    void aSingleUploadFormsASubmissionSetOfOne() {
        String unique = uniqueId();
        Response created = upload(hospital, metadata(unique), Corpus.bytes(PDF), "application/pdf");
        created.then().statusCode(201);
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/submissions/" + created.path("submissionId"))
                .then()
                .statusCode(200)
                .body("state", equalTo("COMPLETE"))
                .body("documents", hasSize(1))
                .body("documents[0].outcome", equalTo("created"))
                .body("documents[0].document.id", equalTo(created.path("id")))
                .body("documents[0].problem", is(nullValue()));
    }

    long count(String sql, String[] values) {
        return pool.preparedQuery(sql)
                .execute(Tuple.of(values))
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getLong(0);
    }
}
