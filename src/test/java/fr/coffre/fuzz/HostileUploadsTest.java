package fr.coffre.fuzz;

import static fr.coffre.testing.Uploads.metadata;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Management;
import fr.coffre.testing.Submissions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Uploads damaged at random, sent to the service as a hostile producer would: every answer is a
 * success or a client problem (RFC 9457), never a 500, and the service still answers afterwards.
 * The seed is printed on failure, so that a finding can be replayed and kept as a regression test.
 */
@QuarkusTest
class HostileUploadsTest {

    static final List<String> CONTENTS = List.of(
            "cda/BIO-CR-BIO_2024.01_TSH_1.xml", "fhir/DocumentReference-doc-x-id.json", "pdf/TLM-CR_rendition.pdf");
    static final List<String> DAMAGE = List.of(
            "\r\n",
            "--",
            "--xyz",
            "--xyz--",
            "\r\n--xyz\r\n",
            "Content-Disposition: form-data; name=\"",
            "Content-Type: ",
            "\"",
            "{",
            "}",
            "\u0000",
            "<",
            "<!DOCTYPE x [<!ENTITY a \"b\">]>",
            "%PDF-1.4");

    @Test
    void damagedUploadsAreAcceptedOrRefusedWithAProblemNeverA500() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String token = KeycloakTokens.hospital();
        for (int i = 0; i < 120; i++) {
            byte[] body = damaged(intact(random), random);
            Response response = given().auth()
                    .oauth2(token)
                    .contentType("multipart/form-data; boundary=xyz")
                    .body(body)
                    .when()
                    .post("/api/v1/documents");
            int status = response.statusCode();
            assertTrue(status < 500, "seed " + seed + ", try " + i + ": " + status + " " + response.asString());
            if (status >= 400) {
                assertTrue(
                        response.contentType().startsWith("application/problem+json"),
                        "seed " + seed + ", try " + i + ": a problem, not " + response.contentType());
            }
        }
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void damagedSubmissionsAreAnsweredWithoutA500() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String token = KeycloakTokens.hospital();
        for (int i = 0; i < 60; i++) {
            JsonArray manifest = new JsonArray();
            for (int d = 0; d < 3; d++) {
                manifest.add(metadata("fuzz-" + UUID.randomUUID()).put("part", "p" + d));
            }
            Submissions submission = Submissions.withManifest(manifest);
            for (int d = 0; d < 3; d++) {
                submission.part("p" + d, "application/octet-stream", Corpus.bytes(CONTENTS.get(random.nextInt(2) * 2)));
            }
            Response response = submission.send(token, damaged(submission.bytes(), random));
            int status = response.statusCode();
            assertTrue(status < 500, "seed " + seed + ", try " + i + ": " + status + " " + response.asString());
        }
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    private static byte[] intact(Random random) {
        String file = CONTENTS.get(random.nextInt(CONTENTS.size()));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--xyz\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"m.json\"\r\n"
                        + "Content-Type: application/json\r\n\r\n"
                        + metadata("fuzz-" + UUID.randomUUID()).encode() + "\r\n--xyz\r\n"
                        + "Content-Disposition: form-data; name=\"content\"; filename=\"d\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Corpus.bytes(file));
        body.writeBytes("\r\n--xyz--\r\n".getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** Up to three cuts, insertions or byte flips anywhere in the body. */
    private static byte[] damaged(byte[] intact, Random random) {
        byte[] body = intact;
        for (int d = 1 + random.nextInt(3); d > 0; d--) {
            int at = random.nextInt(body.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(body, 0, at);
            switch (random.nextInt(3)) {
                case 0 ->
                    out.writeBytes(DAMAGE.get(random.nextInt(DAMAGE.size())).getBytes(StandardCharsets.UTF_8));
                case 1 -> out.write(random.nextInt(256));
                default -> at = Math.min(body.length, at + random.nextInt(200));
            }
            out.write(body, at, body.length - at);
            body = out.toByteArray();
        }
        return body;
    }
}
