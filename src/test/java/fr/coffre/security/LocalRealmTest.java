package fr.coffre.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.KeycloakTokens;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local realm gives each kind of caller the claims the service relies on. */
class LocalRealmTest {

    @Test
    void hospitalAndLaboratoryTokensNameTheirOrganisation() {
        JsonPath hospital = claims(KeycloakTokens.hospital());
        assertEquals("690781810", hospital.getString("finess"));
        assertEquals("hospital", hospital.getString("organisation_kind"));
        assertRole(hospital, "producer");
        assertAudience(hospital);

        JsonPath laboratory = claims(KeycloakTokens.laboratory());
        assertEquals("750056335", laboratory.getString("finess"));
        assertEquals("laboratory", laboratory.getString("organisation_kind"));
        assertRole(laboratory, "producer");
    }

    @Test
    void patientTokensCarryTheirIns() {
        JsonPath dominique = claims(KeycloakTokens.user("patient.dominique"));
        assertEquals("279035121518989", dominique.getString("ins"));
        assertEquals("1.2.250.1.213.1.4.10", dominique.getString("ins_system"));
        assertRole(dominique, "patient");
        assertAudience(dominique);

        JsonPath camille = claims(KeycloakTokens.user("patient.camille"));
        assertEquals("180057512345627", camille.getString("ins"));
    }

    @Test
    void professionalAndOperatorTokens() {
        JsonPath professional = claims(KeycloakTokens.user("dr.bernard"));
        assertEquals("10101234567", professional.getString("rpps"));
        assertEquals("690781810", professional.getString("organisation"));
        assertEquals("10", professional.getString("profession"), "a doctor");
        assertRole(professional, "professional");
        JsonPath emergency = claims(KeycloakTokens.user("dr.urgences"));
        assertEquals("true", emergency.getString("emergency_context"));
        assertEquals("60", claims(KeycloakTokens.user("inf.morel")).getString("profession"), "a nurse");

        assertRole(claims(KeycloakTokens.user("operator.ops")), "operator");
    }

    @Test
    void aClientOfAnotherApiGetsNoCoffreAudience() {
        JsonPath other = claims(KeycloakTokens.clientCredentials("other-api-client", "other-api-local-secret"));
        assertFalse(hasCoffreAudience(other), "aud: " + other.get("aud"));
    }

    private static JsonPath claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    private static void assertRole(JsonPath claims, String role) {
        assertTrue(
                claims.getList("realm_access.roles").contains(role), "roles: " + claims.getList("realm_access.roles"));
    }

    private static void assertAudience(JsonPath claims) {
        assertTrue(hasCoffreAudience(claims), "aud: " + claims.get("aud"));
    }

    private static boolean hasCoffreAudience(JsonPath claims) {
        Object aud = claims.get("aud");
        return "coffre-api".equals(aud) || (aud instanceof List<?> list && list.contains("coffre-api"));
    }
}
