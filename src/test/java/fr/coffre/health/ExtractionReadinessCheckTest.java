package fr.coffre.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fr.coffre.extraction.DocumentContentException;
import fr.coffre.extraction.QuarantineReason;
import fr.coffre.index.DocumentExtractorHolder;
import fr.coffre.index.ExtractionConfig;
import fr.coffre.roles.RolesConfig;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class ExtractionReadinessCheckTest {

    @Test
    void aWorkerWhoseExtractorRefusesWorkIsNotReadyUntilTheAbandonedParseEnds() {
        DocumentExtractorHolder holder = new DocumentExtractorHolder(new ExtractionConfig() {
            public long maxDocumentBytes() {
                return 1 << 20;
            }

            public int maxTextChars() {
                return 1 << 10;
            }

            public Duration parseTimeout() {
                return Duration.ofMillis(100);
            }

            public int maxAbandonedParses() {
                return 0;
            }
        });
        try {
            ExtractionReadinessCheck worker = new ExtractionReadinessCheck(holder, roles(true));
            ExtractionReadinessCheck apiOnly = new ExtractionReadinessCheck(holder, roles(false));
            assertEquals(HealthCheckResponse.Status.UP, worker.call().getStatus());

            CountDownLatch release = new CountDownLatch(1);
            DocumentContentException e = assertThrows(
                    DocumentContentException.class, () -> holder.extractor().extract(stuckUntil(release)));
            assertEquals(QuarantineReason.PARSE_TIMEOUT, e.reason());
            assertEquals(HealthCheckResponse.Status.DOWN, worker.call().getStatus());
            assertEquals(HealthCheckResponse.Status.UP, apiOnly.call().getStatus(), "an API instance extracts nothing");

            release.countDown();
            await("the abandoned parse ends")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> worker.call().getStatus() == HealthCheckResponse.Status.UP);
        } finally {
            holder.extractor().close();
        }
    }

    /** A read that nothing interrupts, not even closing the stream: it ends when the test says so. */
    private static InputStream stuckUntil(CountDownLatch release) {
        return new InputStream() {
            @Override
            public int read() {
                while (true) {
                    try {
                        release.await();
                        return -1;
                    } catch (InterruptedException e) {
                        // deaf to interruption, like a parser in a tight loop
                    }
                }
            }
        };
    }

    private static RolesConfig roles(boolean worker) {
        return new RolesConfig() {
            public boolean api() {
                return true;
            }

            public boolean worker() {
                return worker;
            }
        };
    }
}
