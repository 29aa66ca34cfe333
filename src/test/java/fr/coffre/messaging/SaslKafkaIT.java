package fr.coffre.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.Submissions;
import fr.coffre.testing.Uploads;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.Test;

/**
 * A broker that lets in only clients authenticated with SCRAM, as production's does: every Kafka
 * client of the service must get the credentials, its own admin client and dead-letter consumer as
 * much as the messaging channels, or topic creation fails at start-up and the pod crash-loops
 * (issue 17, item 4). The stack's Kafka has such a listener beside its plain one.
 */
class SaslKafkaIT {

    private static final String PLAIN = System.getenv().getOrDefault("COFFRE_KAFKA_BOOTSTRAP", "127.0.0.1:59092");
    private static final String SASL = "127.0.0.1:" + System.getenv().getOrDefault("COFFRE_KAFKA_SASL_PORT", "59094");
    private static final String USER = "coffre-sasl-it";
    private static final String PASSWORD = "sasl-" + UUID.randomUUID();

    @Test
    void aServiceGivenScramCredentialsStartsIndexesAndReplaysThroughAListenerThatRequiresThem() throws Exception {
        try (Admin plain = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, PLAIN))) {
            plain.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), PASSWORD)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (Admin anonymous = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SASL,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            assertThrows(
                    ExecutionException.class,
                    () -> anonymous.listTopics().names().get(30, TimeUnit.SECONDS),
                    "the listener lets no client in without credentials");
        }

        Map<String, String> environment = Map.of(
                "COFFRE_KAFKA_BOOTSTRAP",
                SASL,
                "KAFKA_SECURITY_PROTOCOL",
                "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER + "\" password=\""
                        + PASSWORD + "\";");
        // Ready means the topics were checked or created through the admin client.
        try (ServiceProcess service = new ServiceProcess("sasl-kafka", 18185, List.of(), environment).start()) {
            byte[] pdf = Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf");
            Submissions upload = Submissions.parts()
                    .part(
                            "metadata",
                            "application/json",
                            Uploads.metadata("sasl-" + UUID.randomUUID())
                                    .encode()
                                    .getBytes(StandardCharsets.UTF_8))
                    .part("content", "application/pdf", pdf);
            HttpResponse<String> created = service.post(
                            "/api/v1/documents",
                            KeycloakTokens.hospital(),
                            upload.contentType(),
                            new ByteArrayInputStream(upload.bytes()))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(201, created.statusCode(), created.body());
            String id = new JsonObject(created.body()).getString("id");
            assertEquals("INDEXED", Database.awaitConcluded(id), "relayed and consumed through SCRAM");

            HttpResponse<String> dependencies = get(service, "/q/health/group/dependencies");
            String kafka = new JsonObject(dependencies.body())
                    .getJsonArray("checks").stream()
                            .map(JsonObject.class::cast)
                            .filter(check -> check.getString("name").equals("kafka"))
                            .findFirst()
                            .orElseThrow()
                            .getString("status");
            assertEquals("UP", kafka, "the health check's admin client: " + dependencies.body());
            HttpResponse<String> replay = service.post(
                            "/api/v1/operations/dead-letters/replay",
                            KeycloakTokens.user("operator.ops"),
                            "application/json",
                            new ByteArrayInputStream(new byte[0]))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(200, replay.statusCode(), "the dead-letter replay's consumer: " + replay.body());
        }
    }

    /** From the service's management interface. */
    private static HttpResponse<String> get(ServiceProcess service, String path) throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(service.managementUrl() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
