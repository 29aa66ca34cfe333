package fr.coffre.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.LocalStack;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Readiness against the packaged service: it really talks to each of the four servers. */
@QuarkusIntegrationTest
class ReadinessIT {

    private static final List<String> SERVERS = List.of("postgresql", "kafka", "object-storage", "oidc-provider");

    @Test
    void readyWhenEveryServerAnswers() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.findAll { it.name in ['postgresql', 'kafka', 'object-storage', 'oidc-provider'] }.name",
                        containsInAnyOrder(SERVERS.toArray()))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void livenessDoesNotDependOnServers() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @ParameterizedTest(name = "{1} goes DOWN when the stack stops {0}")
    @CsvSource({"postgres, postgresql", "kafka, kafka", "s3, object-storage", "keycloak, oidc-provider"})
    void notReadyNamingTheServerThatStopped(String stackName, String checkName) {
        LocalStack.stop(stackName);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        JsonPath health = given().when()
                                .get("/q/health/ready")
                                .then()
                                .statusCode(503)
                                .extract()
                                .jsonPath();
                        assertEquals("DOWN", health.getString("status"));
                        assertEquals("DOWN", statusOf(health, checkName), checkName + " should be DOWN");
                        for (String other : SERVERS) {
                            if (!other.equals(checkName)) {
                                assertEquals("UP", statusOf(health, other), other + " should stay UP");
                            }
                        }
                    });
        } finally {
            LocalStack.start(stackName);
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().when()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP")));
    }

    private static String statusOf(JsonPath health, String check) {
        return health.getString("checks.find { it.name == '" + check + "' }.status");
    }
}
