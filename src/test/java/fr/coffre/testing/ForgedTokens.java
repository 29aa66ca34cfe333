package fr.coffre.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

/** Tokens the service must refuse, made the way an attacker would make them. */
public final class ForgedTokens {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private ForgedTokens() {}

    /** A well-formed token for the coffre-api audience, signed by a key of another issuer. */
    public static String fromAnotherIssuer(String role, String ins) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            long now = System.currentTimeMillis() / 1000;
            JsonObject claims = new JsonObject()
                    .put("iss", "http://127.0.0.1:58080/realms/elsewhere")
                    .put("aud", "coffre-api")
                    .put("sub", "intruder")
                    .put("iat", now)
                    .put("exp", now + 300)
                    .put("realm_access", new JsonObject().put("roles", new JsonArray().add(role)))
                    .put("ins", ins)
                    .put("ins_system", "1.2.250.1.213.1.4.10")
                    .put("rpps", "10101234567")
                    .put("finess", "690781810");
            String signed =
                    part(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", "forged")) + "."
                            + part(claims);
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A real token whose claims were changed after signing: here, to name another patient. */
    public static String tampered(String token, String otherIns) {
        String[] parts = token.split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        claims.put("ins", otherIns);
        return parts[0] + "." + part(claims) + "." + parts[2];
    }

    private static String part(JsonObject json) {
        return URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }
}
