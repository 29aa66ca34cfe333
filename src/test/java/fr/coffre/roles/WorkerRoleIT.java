package fr.coffre.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged service started with COFFRE_ROLES=worker: ready, but no API. */
class WorkerRoleIT {

    @Test
    void aWorkerInstanceServesHealthButNotTheApiNorItsFhirDoor() throws Exception {
        try (ServiceProcess worker =
                new ServiceProcess("worker-role", 18197, List.of(), Map.of("COFFRE_ROLES", "worker")).start()) {
            HttpResponse<String> refused = worker.post(
                            "/api/v1/documents",
                            KeycloakTokens.hospital(),
                            "multipart/form-data; boundary=x",
                            new ByteArrayInputStream(new byte[0]))
                    .get();
            assertEquals(404, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("worker only"), refused.body());
            HttpResponse<String> fhir = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(worker.baseUrl() + "/fhir/metadata"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(404, fhir.statusCode(), fhir.body());
            assertTrue(fhir.body().contains("worker only"), fhir.body());
            HttpResponse<String> health = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(worker.managementUrl() + "/q/health/ready"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            // A worker does nothing without Kafka: its readiness really asks the broker.
            String kafka = new JsonObject(health.body())
                    .getJsonArray("checks").stream()
                            .map(JsonObject.class::cast)
                            .filter(check -> check.getString("name").equals("kafka"))
                            .findFirst()
                            .orElseThrow()
                            .encode();
            assertTrue(kafka.contains("\"target\""), kafka);
        }
    }
}
