package fr.coffre.document;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The documents-by-status gauge reads counters that the document table's triggers keep, so that
 * it costs the same whatever the table's size (issue 17, item 8). They must agree with the rows.
 */
@QuarkusTest
class DocumentCountTest {

    // One statement, so one snapshot: how many statuses have a counter that disagrees with the rows.
    private static final String DISAGREEING = "SELECT count(*) FROM ("
            + " SELECT status, count(*) AS n FROM document GROUP BY status) AS counted_rows"
            + " FULL JOIN (SELECT status, sum(n) AS n FROM (SELECT status, documents AS n FROM document_count_total"
            + " UNION ALL SELECT status, delta FROM document_count_change) AS counted GROUP BY status) AS counters"
            + " USING (status) WHERE coalesce(counted_rows.n, 0) <> coalesce(counters.n, 0)";

    @Inject
    DocumentRepository documents;

    String hospital;

    @BeforeEach
    void countersAgreeWithTheRowsBeforehand() {
        hospital = KeycloakTokens.hospital();
        assertEquals(0, Database.count(DISAGREEING));
    }

    @Test
    void theCountersFollowADocumentFromItsUploadToItsDeletion() {
        String id = upload();
        assertEquals(0, Database.count(DISAGREEING), "counted as it is inserted");

        assertEquals("INDEXED", Database.awaitConcluded(id));
        assertEquals(0, Database.count(DISAGREEING), "counted as it changes status");

        given().auth().oauth2(hospital).delete("/api/v1/documents/" + id).then().statusCode(204);
        assertEquals(0, Database.count(DISAGREEING), "counted as it is deleted");
    }

    @Test
    void aStatementThatChangesSeveralRowsKeepsTheCountersRight() {
        String first = upload();
        String second = upload();
        assertEquals("INDEXED", Database.awaitConcluded(first));
        assertEquals("INDEXED", Database.awaitConcluded(second));

        String both = "id IN (?::uuid, ?::uuid)";
        assertEquals(2, Database.update("UPDATE document SET status = 'FAILED' WHERE " + both, first, second));
        assertEquals(0, Database.count(DISAGREEING), "both moved");
        assertEquals(
                2,
                Database.update(
                        "UPDATE document SET updated_at = now(), status = status WHERE " + both, first, second));
        assertEquals(0, Database.count(DISAGREEING), "rows rewritten with the same status are not counted again");
        Database.update("DELETE FROM submission_entry WHERE document_" + both, first, second);
        assertEquals(2, Database.update("DELETE FROM document WHERE " + both, first, second));
        assertEquals(0, Database.count(DISAGREEING), "both removed");
    }

    @Test
    void theGaugeReadsTheCountersNotTheRows() {
        // No table scan could find a million superseded documents here.
        Database.update("INSERT INTO document_count_change VALUES ('SUPERSEDED', 1000000)");
        try {
            long superseded = documents
                    .countByStatus()
                    .await()
                    .atMost(Duration.ofSeconds(30))
                    .getOrDefault(DocumentStatus.SUPERSEDED, 0L);
            assertTrue(superseded >= 1_000_000, "read " + superseded);
        } finally {
            Database.update("INSERT INTO document_count_change VALUES ('SUPERSEDED', -1000000)");
        }
        assertEquals(0, Database.count(DISAGREEING));
        // Folded into the totals by the read, or by the sampler's (every second here) if it held the fold then.
        await("the changes read are folded into the totals")
                .atMost(Duration.ofSeconds(30))
                .until(() -> Database.count("SELECT count(*) FROM document_count_change WHERE delta = 1000000") == 0);
    }

    private String upload() {
        return Uploads.upload(
                        hospital,
                        Uploads.metadata("count-" + UUID.randomUUID()),
                        Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf"),
                        "application/pdf")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
