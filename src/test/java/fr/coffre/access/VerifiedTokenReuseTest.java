package fr.coffre.access;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.ForgedTokens;
import fr.coffre.testing.KeycloakTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Verified tokens reused, with real tokens of the local realm: a token is verified once for many
 * requests, and what it would refuse is still refused.
 */
@QuarkusTest
class VerifiedTokenReuseTest {

    @Inject
    MeterRegistry registry;

    @Test
    void aProducersTokenIsVerifiedOnceForAllItsRequests() {
        String token = KeycloakTokens.hospital();
        double verified = count("coffre.tokens.verified");
        double reused = count("coffre.tokens.reused");

        for (int i = 0; i < 3; i++) {
            given().auth()
                    .oauth2(token)
                    .get("/api/v1/documents/" + UUID.randomUUID())
                    .then()
                    .statusCode(404);
        }

        assertEquals(1, count("coffre.tokens.verified") - verified);
        assertEquals(2, count("coffre.tokens.reused") - reused);
    }

    @Test
    void aTokenChangedAfterTheRealOneWasReusedIsRefused() {
        String token = KeycloakTokens.user("patient.dominique");
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).get("/api/v1/me/access-log").then().statusCode(200);
        }

        given().auth()
                .oauth2(ForgedTokens.tampered(token, "180057512345627"))
                .get("/api/v1/me/access-log")
                .then()
                .statusCode(401);
        given().auth().oauth2(token).get("/api/v1/me/access-log").then().statusCode(200);
    }

    @Test
    void aReusedTokenIsRefusedOnceItHasExpired() {
        // Lives one second (less, counted from the realm's whole second): one that got through
        // once has been kept, and kept for a minute it would still get through.
        String token = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> {
                            String fresh = KeycloakTokens.shortLived("patient.dominique");
                            return accessLog(fresh) == 200 ? fresh : null;
                        },
                        Objects::nonNull);

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> accessLog(token) == 401);
    }

    static int accessLog(String token) {
        return given().auth().oauth2(token).get("/api/v1/me/access-log").statusCode();
    }

    double count(String name) {
        var counter = registry.find(name).counter();
        return counter == null ? 0 : counter.count();
    }
}
