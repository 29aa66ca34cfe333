package fr.coffre.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged service started with COFFRE_ROLES=worker: ready, but no API; sized to its cores. */
class WorkerRoleIT {

    static ServiceProcess worker;

    @BeforeAll
    static void start() {
        worker = new ServiceProcess("worker-role", 18197, List.of(), Map.of("COFFRE_ROLES", "worker")).start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        worker.close();
    }

    @Test
    void aWorkerInstanceServesHealthButNotTheApiNorItsFhirDoor() throws Exception {
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

    @Test
    void anInstanceRunsOneEventLoopPerTwoCores() throws IOException {
        long eventLoops;
        try (Stream<Path> threads =
                Files.list(Path.of("/proc", String.valueOf(worker.handle().pid()), "task"))) {
            // The kernel keeps 15 characters of a thread's name: vert.x-eventloop-thread-N.
            eventLoops = threads.map(thread -> thread.resolve("comm"))
                    .filter(comm -> readName(comm).startsWith("vert.x-eventloo"))
                    .count();
        }
        int expected = RoleConfigSource.eventLoops(Runtime.getRuntime().availableProcessors());
        assertTrue(eventLoops >= 1 && eventLoops <= expected, eventLoops + " event loops, at most " + expected);
    }

    static String readName(Path comm) {
        try {
            return Files.readString(comm);
        } catch (IOException gone) {
            return "";
        }
    }
}
