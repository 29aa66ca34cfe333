package fr.coffre.testing;

import static io.restassured.RestAssured.given;

/** Real tokens from the local Keycloak realm (stack/keycloak/coffre-realm.json). */
public final class KeycloakTokens {

    public static final String REALM_URL =
            System.getenv().getOrDefault("COFFRE_OIDC_URL", "http://127.0.0.1:58080/realms/coffre");
    public static final String PASSWORD = "local-password";

    private KeycloakTokens() {}

    public static String hospital() {
        return clientCredentials("chu-lyon-dpi", "chu-lyon-local-secret");
    }

    public static String laboratory() {
        return clientCredentials("labo-biomed-sil", "labo-biomed-local-secret");
    }

    public static String radiology() {
        return clientCredentials("imagerie-sud-ris", "imagerie-sud-local-secret");
    }

    public static String clientCredentials(String clientId, String secret) {
        return given().formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .when()
                .post(REALM_URL + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    public static String user(String username) {
        return password("coffre-portal", "portal-local-secret", username);
    }

    /** A user's token that expires one second after it is issued (client coffre-portal-short-lived). */
    public static String shortLived(String username) {
        return password("coffre-portal-short-lived", "portal-short-lived-local-secret", username);
    }

    private static String password(String clientId, String secret, String username) {
        return given().formParam("grant_type", "password")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .formParam("username", username)
                .formParam("password", PASSWORD)
                .when()
                .post(REALM_URL + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }
}
