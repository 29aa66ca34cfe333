package fr.coffre.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;

/** A patient's decisions about professionals, taken as the patient takes them: through the patient API. */
public final class Authorisations {

    public static final String DR_BERNARD = "10101234567";
    public static final String DR_URGENCES = "10101234568";
    public static final String INF_MOREL = "10101234569";
    public static final String SOINS_EHPAD = "10101234571";

    private Authorisations() {}

    /** The patient (a realm user) authorises the professional (an RPPS) to read their record. */
    public static void authorise(String patientUser, String rpps) {
        decide(patientUser, rpps, "authorised");
    }

    public static void decide(String patientUser, String rpps, String state) {
        given().auth()
                .oauth2(KeycloakTokens.user(patientUser))
                .contentType("application/json")
                .body("{\"state\": \"" + state + "\"}")
                .put("/api/v1/me/professionals/" + rpps)
                .then()
                .statusCode(200);
    }

    /** The patient forgets whatever they decided about the professional. */
    public static void forget(String patientUser, String rpps) {
        given().auth()
                .oauth2(KeycloakTokens.user(patientUser))
                .delete("/api/v1/me/professionals/" + rpps)
                .then()
                .statusCode(anyOf(is(204), is(404)));
    }
}
