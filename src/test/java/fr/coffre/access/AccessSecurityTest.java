package fr.coffre.access;

import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.Authorisations;
import fr.coffre.testing.Database;
import fr.coffre.testing.ForgedTokens;
import fr.coffre.testing.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint that shows or changes documents, tried with every token that must not get
 * through: none, tampered, from another issuer, for another audience, expired (401); the wrong
 * role (403); another patient's or another producer's, or a professional on a hidden document
 * (404, told apart from a missing document by nothing).
 */
@QuarkusTest
class AccessSecurityTest {

    static final String DOMINIQUE = "279035121518989";
    static final String CAMILLE = "180057512345627";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    record Endpoint(String method, String path, String audience, String body, String contentType) {
        Endpoint(String method, String path, String audience) {
            this(method, path, audience, null, null);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/v1/me/documents", "patient"),
            new Endpoint("GET", "/api/v1/me/documents/{id}", "patient"),
            new Endpoint("GET", "/api/v1/me/documents/{id}/content", "patient"),
            new Endpoint(
                    "PUT",
                    "/api/v1/me/documents/{id}/visibility",
                    "patient",
                    "{\"hiddenFromProfessionals\":true}",
                    "application/json"),
            new Endpoint("GET", "/api/v1/me/access-log", "patient"),
            new Endpoint("PUT", "/api/v1/me/emergency-access", "patient", "{\"refused\":false}", "application/json"),
            new Endpoint("POST", "/api/v1/me/documents", "patient", "x", "multipart/form-data; boundary=x"),
            new Endpoint("DELETE", "/api/v1/me", "patient"),
            new Endpoint("GET", "/api/v1/patients/" + DOMINIQUE + "/documents", "professional"),
            new Endpoint("GET", "/api/v1/patients/" + DOMINIQUE + "/documents/{id}", "professional"),
            new Endpoint("GET", "/api/v1/patients/" + DOMINIQUE + "/documents/{id}/content", "professional"),
            new Endpoint("GET", "/api/v1/documents/{id}", "producer"),
            new Endpoint("GET", "/api/v1/documents/{id}/content", "producer"),
            new Endpoint("DELETE", "/api/v1/documents/{id}", "producer"),
            new Endpoint(
                    "PUT",
                    "/api/v1/documents/{id}/patient-visibility",
                    "producer",
                    "{\"withheld\":false}",
                    "application/json"),
            new Endpoint("POST", "/api/v1/documents", "producer", "x", "multipart/form-data; boundary=x"),
            new Endpoint("POST", "/api/v1/submissions", "producer", "x", "multipart/form-data; boundary=x"),
            new Endpoint("GET", "/api/v1/submissions/{id}", "producer"),
            new Endpoint("POST", "/api/v1/operations/dead-letters/replay", "operator"));

    static String document;
    static String hiddenDocument;
    static String camillesDocument;
    static Map<String, String> tokens;

    @Inject
    Pool pool;

    @BeforeEach
    void documents() {
        // Dr Bernard may read Dominique's record: what is refused below is refused for another reason.
        Authorisations.authorise("patient.dominique", Authorisations.DR_BERNARD);
        if (document != null) {
            return;
        }
        String hospital = KeycloakTokens.hospital();
        document = indexed(hospital, DOMINIQUE);
        hiddenDocument = indexed(hospital, DOMINIQUE);
        camillesDocument = indexed(hospital, CAMILLE);
        String dominique = KeycloakTokens.user("patient.dominique");
        given().auth()
                .oauth2(dominique)
                .contentType("application/json")
                .body("{\"hiddenFromProfessionals\":true}")
                .put("/api/v1/me/documents/" + hiddenDocument + "/visibility")
                .then()
                .statusCode(200);
        tokens = Map.of(
                "patient",
                dominique,
                "professional",
                KeycloakTokens.user("dr.bernard"),
                "producer",
                hospital,
                "operator",
                KeycloakTokens.user("operator.ops"));
    }

    @TestFactory
    Stream<DynamicTest> tokensThatMustNotGetThroughAre401() {
        String expired = expiredPatientToken();
        Map<String, Supplier<String>> bad = Map.of(
                "no token", () -> null,
                "a tampered signature", () -> ForgedTokens.tampered(tokens.get("patient"), CAMILLE),
                "another issuer", () -> ForgedTokens.fromAnotherIssuer("patient", DOMINIQUE),
                "the wrong audience",
                        () -> KeycloakTokens.clientCredentials("other-api-client", "other-api-local-secret"),
                "an expired token", () -> expired);
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (var token : bad.entrySet()) {
                tests.add(DynamicTest.dynamicTest(
                        endpoint + " with " + token.getKey(),
                        () -> call(endpoint, token.getValue().get(), document)
                                .then()
                                .statusCode(401)
                                .contentType("application/problem+json")
                                .header("WWW-Authenticate", "Bearer")));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> theWrongRoleIs403() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (String role : tokens.keySet()) {
                if (role.equals(endpoint.audience())) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(
                        endpoint + " as " + role,
                        () -> call(endpoint, tokens.get(role), document)
                                .then()
                                .statusCode(403)
                                .contentType("application/problem+json")));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> anotherOnesDocumentLooksExactlyLikeAMissingOne() {
        String laboratory = KeycloakTokens.laboratory();
        record Case(String name, Endpoint endpoint, String token, String document) {}
        List<Case> cases = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            if (!endpoint.path().contains("{id}")) {
                continue;
            }
            switch (endpoint.audience()) {
                case "patient" ->
                    cases.add(
                            new Case("another patient's document", endpoint, tokens.get("patient"), camillesDocument));
                case "producer" -> {
                    if (!endpoint.path().contains("submissions")) {
                        cases.add(new Case("another producer's document", endpoint, laboratory, document));
                    }
                }
                case "professional" -> {
                    cases.add(new Case("a hidden document", endpoint, tokens.get("professional"), hiddenDocument));
                    cases.add(new Case(
                            "another patient's document under this patient",
                            endpoint,
                            tokens.get("professional"),
                            camillesDocument));
                }
                default -> {}
            }
        }
        return cases.stream()
                .map(c -> DynamicTest.dynamicTest(c.endpoint() + ": " + c.name(), () -> {
                    Response refused = call(c.endpoint(), c.token(), c.document());
                    Response missing =
                            call(c.endpoint(), c.token(), UUID.randomUUID().toString());
                    refused.then().statusCode(404).contentType("application/problem+json");
                    missing.then()
                            .statusCode(404)
                            .body("type", equalTo(refused.path("type")))
                            .body("title", equalTo(refused.path("title")));
                    assertEquals(
                            missing.asString().replace(missingId(missing), "ID"),
                            refused.asString().replace(c.document(), "ID"),
                            "the answer says nothing more about an existing document than about a missing one");
                }));
    }

    @TestFactory
    Stream<DynamicTest> aProducersSubmissionIsHiddenFromAnotherProducer() {
        String submission = pool.preparedQuery("SELECT submission_id FROM document WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(document)))
                .await()
                .atMost(DEADLINE)
                .iterator()
                .next()
                .getUUID(0)
                .toString();
        Endpoint endpoint = ENDPOINTS.stream()
                .filter(e -> e.path().equals("/api/v1/submissions/{id}"))
                .findFirst()
                .orElseThrow();
        return Stream.of(DynamicTest.dynamicTest("GET /api/v1/submissions/{id} as another producer", () -> {
            call(endpoint, KeycloakTokens.laboratory(), submission).then().statusCode(404);
            call(endpoint, tokens.get("producer"), submission).then().statusCode(200);
        }));
    }

    static String missingId(Response missing) {
        String detail = missing.path("detail");
        var m = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .matcher(detail);
        return m.find() ? m.group() : "";
    }

    Response call(Endpoint endpoint, String token, String id) {
        RequestSpecification request = given();
        if (token != null) {
            request = request.auth().oauth2(token);
        }
        if (endpoint.body() != null) {
            request = request.contentType(endpoint.contentType())
                    .body(endpoint.body().getBytes(StandardCharsets.UTF_8));
        }
        return request.request(endpoint.method(), endpoint.path().replace("{id}", id));
    }

    static String expiredPatientToken() {
        String token = KeycloakTokens.shortLived("patient.dominique");
        // Tokens of this client live one second: poll until the service sees it expired.
        await().atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> given().auth()
                                .oauth2(token)
                                .get("/api/v1/me/access-log")
                                .statusCode()
                        == 401);
        return token;
    }

    String indexed(String token, String ins) {
        JsonObject metadata = new JsonObject()
                .put("uniqueId", "security-" + UUID.randomUUID())
                .put("patient", new JsonObject().put("id", ins).put("system", "1.2.250.1.213.1.4.10"))
                .put("typeCode", new JsonObject().put("code", "11506-3").put("system", "2.16.840.1.113883.6.1"))
                .put("title", "Note");
        String id = upload(token, metadata, "note de suivi".getBytes(StandardCharsets.UTF_8), "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        assertEquals("INDEXED", Database.awaitConcluded(id));
        return id;
    }
}
