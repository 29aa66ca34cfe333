package fr.coffre.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Sends documents to the upload endpoint the way a producer's system does. */
public final class Uploads {

    public static final String TEST_PATIENT = "279035121518989";
    public static final String NIR_TEST = "1.2.250.1.213.1.4.10";

    private Uploads() {}

    public static JsonObject metadata(String uniqueId) {
        return new JsonObject()
                .put("uniqueId", uniqueId)
                .put("patient", new JsonObject().put("id", TEST_PATIENT).put("system", NIR_TEST))
                .put(
                        "typeCode",
                        new JsonObject()
                                .put("code", "11502-2")
                                .put("system", "2.16.840.1.113883.6.1")
                                .put("display", "CR d'examens biologiques"))
                .put("title", "Compte rendu de biologie");
    }

    public static Response upload(String token, JsonObject metadata, byte[] content, String mediaType) {
        var request = given().auth().oauth2(token);
        if (metadata != null) {
            request = request.multiPart(
                    "metadata", "metadata.json", metadata.encode().getBytes(), "application/json");
        }
        return request.multiPart("content", "document", content, mediaType)
                .when()
                .post("/api/v1/documents");
    }

    /** The hex SHA-256 a producer declares with these bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
