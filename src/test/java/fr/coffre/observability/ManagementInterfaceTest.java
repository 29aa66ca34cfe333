package fr.coffre.observability;

import static io.restassured.RestAssured.given;

import fr.coffre.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Health, metrics, the OpenAPI document and Swagger UI are served on the management interface's
 * port only: the public port, behind the ingress, answers 404 for them (issue 17, item 5).
 */
@QuarkusTest
class ManagementInterfaceTest {

    private static final List<String> MANAGEMENT_PATHS =
            List.of("/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi", "/q/swagger-ui/");

    @Test
    void theOperatorsEndpointsAnswerOnTheManagementPortAndNotOnThePublicOne() {
        for (String path : MANAGEMENT_PATHS) {
            Management.given().when().get(path).then().statusCode(200);
            given().when().get(path).then().statusCode(404);
        }
    }
}
