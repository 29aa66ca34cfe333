package fr.coffre.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/** Builds a submission's multipart body byte by byte, so tests can also send broken ones. */
public final class Submissions {

    private final String boundary = "coffre-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** An empty multipart body, for a single upload's {@code metadata} and {@code content}. */
    public static Submissions parts() {
        return new Submissions();
    }

    public static Submissions withManifest(JsonArray manifest) {
        return new Submissions()
                .part("manifest", "application/json", manifest.encode().getBytes(StandardCharsets.UTF_8));
    }

    public Submissions part(String name, String mediaType, byte[] content) {
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                        + name + "\"\r\nContent-Type: " + mediaType + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** The body as a client that died halfway through a part would have sent it. */
    public byte[] truncatedInside(String name, String mediaType, byte[] content) {
        part(name, mediaType, content);
        byte[] all = body.toByteArray();
        return Arrays.copyOf(all, all.length - content.length / 2);
    }

    public byte[] bytes() {
        ByteArrayOutputStream closed = new ByteArrayOutputStream();
        closed.writeBytes(body.toByteArray());
        closed.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return closed.toByteArray();
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public Response send(String token) {
        return send(token, bytes());
    }

    public Response send(String token, byte[] raw) {
        return given().auth()
                .oauth2(token)
                .contentType(contentType())
                .body(raw)
                .when()
                .post("/api/v1/submissions");
    }
}
