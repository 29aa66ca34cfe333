package fr.coffre.load;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokensTest {

    @Test
    void tokensAreFetchedOnceThenAgainBeforeTheyExpire() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        List<String> forms = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/realms/test/protocol/openid-connect/token", exchange -> {
            forms.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            // 61 s of life: fetched again 60 s before expiry, i.e. after the 5 s floor.
            byte[] body = ("{\"access_token\":\"token-" + issued.incrementAndGet() + "\",\"expires_in\":61}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (Tokens tokens = new Tokens("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test/protocol/openid-connect/token")) {
            tokens.clientCredentials("labo-biomed-sil", "labo-biomed-sil", "secret");
            assertEquals("Bearer token-1", tokens.bearer("labo-biomed-sil"));
            assertEquals(1, issued.get(), "fetched once when registered, not per request");
            assertTrue(forms.get(0).contains("grant_type=client_credentials"));
            assertTrue(forms.get(0).contains("client_id=labo-biomed-sil"));
            await().atMost(Duration.ofSeconds(10)).until(() -> issued.get() >= 2);
            assertEquals(2, issued.get(), "fetched again before expiry");
            assertNotEquals("token-1", tokens.get("labo-biomed-sil"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void patientsUseThePortalPasswordGrant() throws Exception {
        List<String> forms = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/realms/test/protocol/openid-connect/token", exchange -> {
            forms.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"access_token\":\"p\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (Tokens tokens = new Tokens("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test/protocol/openid-connect/token")) {
            tokens.user("patient.camille");
            assertEquals("p", tokens.get("patient.camille"));
            assertTrue(forms.get(0).contains("grant_type=password"));
            assertTrue(forms.get(0).contains("client_id=coffre-portal"));
            assertTrue(forms.get(0).contains("username=patient.camille"));
        } finally {
            server.stop(0);
        }
    }
}
