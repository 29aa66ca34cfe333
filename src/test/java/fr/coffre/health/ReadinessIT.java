package fr.coffre.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.LocalStack;
import fr.coffre.testing.Management;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness and the dependencies group against the packaged service, each server of the stack
 * stopped in turn: readiness says only what stops the instance serving (PostgreSQL), and each
 * other outage gets its 503 with Retry-After on the endpoints that need that server alone
 * (issue 15, item 6).
 */
@QuarkusIntegrationTest
class ReadinessIT {

    private static final List<String> SERVERS = List.of("postgresql", "kafka", "object-storage", "oidc-provider");
    private static final byte[] PDF = Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf");

    String hospital;
    String documentId;

    // Not @BeforeAll: the packaged service is reachable from the test instance on.
    @BeforeEach
    void storeADocument() {
        hospital = KeycloakTokens.hospital();
        documentId = upload().then().statusCode(201).extract().path("id");
    }

    @Test
    void readyAndEveryDependencyUpWhenEveryServerAnswers() {
        Management.given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.given()
                .when()
                .get("/q/health/group/dependencies")
                .then()
                .statusCode(200)
                .body("checks.name", containsInAnyOrder(SERVERS.toArray()))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void livenessDoesNotDependOnServers() {
        Management.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void withoutPostgresqlTheInstanceIsNotReady() {
        withStopped(
                "postgres",
                "postgresql",
                () -> Management.given()
                        .when()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(503)
                        .body("checks.find { it.name == 'postgresql' }.status", equalTo("DOWN")));
    }

    @Test
    void withoutKafkaUploadsAreAcceptedAndReadsGoOn() {
        withStopped("kafka", "kafka", () -> {
            readyStill();
            upload().then().statusCode(201);
            status().then().statusCode(200);
            Management.given().when().get("/q/health/live").then().statusCode(200);
        });
    }

    @Test
    void withoutObjectStorageOnlyUploadsAndDownloadsWaitWithRetryAfter() {
        withStopped("s3", "object-storage", () -> {
            readyStill();
            upload().then()
                    .statusCode(503)
                    .header("Retry-After", notNullValue())
                    .body("type", equalTo("https://coffre.example/problems/dependency-unavailable"));
            given().auth()
                    .oauth2(hospital)
                    .when()
                    .get("/api/v1/documents/" + documentId + "/content")
                    .then()
                    .statusCode(503)
                    .header("Retry-After", notNullValue());
            status().then().statusCode(200);
        });
    }

    @Test
    void withoutTheOidcProviderTokensAlreadyIssuedStillWork() {
        withStopped("keycloak", "oidc-provider", () -> {
            readyStill();
            status().then().statusCode(200);
        });
    }

    private static void withStopped(String stackName, String checkName, Runnable expectations) {
        LocalStack.stop(stackName);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        JsonPath dependencies = Management.given()
                                .when()
                                .get("/q/health/group/dependencies")
                                .then()
                                .statusCode(503)
                                .extract()
                                .jsonPath();
                        for (String server : SERVERS) {
                            assertEquals(
                                    server.equals(checkName) ? "DOWN" : "UP",
                                    dependencies.getString("checks.find { it.name == '" + server + "' }.status"),
                                    server);
                        }
                    });
            expectations.run();
        } finally {
            LocalStack.start(stackName);
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> Management.given()
                        .when()
                        .get("/q/health/group/dependencies")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP")));
    }

    private void readyStill() {
        Management.given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private Response upload() {
        return Uploads.upload(hospital, Uploads.metadata("readiness-" + UUID.randomUUID()), PDF, "application/pdf");
    }

    private Response status() {
        return given().auth().oauth2(hospital).when().get("/api/v1/documents/" + documentId);
    }
}
