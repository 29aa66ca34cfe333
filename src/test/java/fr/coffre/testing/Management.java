package fr.coffre.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests to the management interface of the service under test (health, metrics, OpenAPI),
 * which listens on a port of its own, not on the API's.
 */
public final class Management {

    private Management() {}

    /** The port of the test instance's management interface (quarkus.management.test-port). */
    public static int port() {
        return ConfigProvider.getConfig()
                .getOptionalValue("quarkus.management.test-port", Integer.class)
                .orElse(9001);
    }

    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }
}
