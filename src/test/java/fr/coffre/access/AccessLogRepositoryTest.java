package fr.coffre.access;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.document.Identifier;
import fr.coffre.ingest.Producer;
import fr.coffre.testing.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The patient's access log, newest first, in pages (read through Hibernate Reactive). */
@QuarkusTest
class AccessLogRepositoryTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final Identifier DOMINIQUE = new Identifier("1.2.250.1.213.1.4.10", "279035121518989");

    @Inject
    AccessLogRepository accessLog;

    @Test
    void theLogIsReadNewestFirstAPageAfterTheOther() {
        Reader producer = Reader.producer(new Producer("690781810", "CHU"));
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID document = UUID.randomUUID();
            documents.add(document.toString());
            accessLog
                    .record(List.of(
                            new AccessLogRepository.Entry(DOMINIQUE, document, producer, "metadata", false, null)))
                    .await()
                    .atMost(DEADLINE);
        }
        String token = KeycloakTokens.user("patient.dominique");
        JsonPath first = page(token, null);
        assertEquals(List.of(documents.get(2), documents.get(1)), first.getList("documentId"));
        JsonPath next = page(token, first.getLong("[1].id"));
        assertEquals(documents.get(0), next.getString("[0].documentId"));
        assertEquals("690781810", next.getString("[0].accessorId"));
        assertEquals("metadata", next.getString("[0].action"));
    }

    private static JsonPath page(String token, Long before) {
        var request = given().auth().oauth2(token).queryParam("limit", 2);
        if (before != null) {
            request = request.queryParam("before", before);
        }
        return request.get("/api/v1/me/access-log")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}
