package fr.coffre.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.LocalStack;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Kafka that hangs (SIGSTOP) while documents wait in the outbox: uploads are still accepted, the
 * relay claims the events without keeping a transaction open while Kafka does not answer, and
 * everything is relayed once Kafka is back (issue 15, items 6 and 8).
 */
@QuarkusIntegrationTest
class OutboxRelayIT {

    @Test
    void aHangingKafkaNeitherRefusesUploadsNorKeepsATransactionOpen() {
        String token = KeycloakTokens.hospital();
        String documentId;
        // Earlier tests' events (documents stored, then indexed) go out first: a pass that is
        // sending when Kafka hangs holds its batch until the delivery timeout, and the next pass
        // is the one that claims this test's event.
        await("the outbox is empty before Kafka hangs")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Database.count("SELECT count(*) FROM outbox") == 0);
        LocalStack.pause("kafka");
        try {
            documentId = Uploads.upload(
                            token,
                            Uploads.metadata("outbox-" + UUID.randomUUID()),
                            Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf"),
                            "application/pdf")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            // Within the delivery timeout (15 s) even if a pass was sending when Kafka hung: an
            // event the worker wrote meanwhile for an earlier document can be that pass's.
            await("the relay claims the document's event")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> Database.count(
                                    "SELECT count(*) FROM outbox WHERE document_id = ?::uuid AND claimed_until > now()",
                                    documentId)
                            == 1);
            // Kafka takes up to its delivery timeout (15 s) to give up on the batch; all that time
            // no session of the service may sit in an open transaction.
            await("no transaction stays open while Kafka does not answer")
                    .during(Duration.ofSeconds(6))
                    .atMost(Duration.ofSeconds(8))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Database.count(
                                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                            + "AND state LIKE 'idle in transaction%' AND now() - xact_start > interval '1 second'")
                            == 0);
        } finally {
            LocalStack.resume("kafka");
        }
        assertEquals("INDEXED", Database.awaitConcluded(documentId));
        await("the relayed event leaves the outbox")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        Database.count("SELECT count(*) FROM outbox WHERE document_id = ?::uuid", documentId) == 0);
    }
}
