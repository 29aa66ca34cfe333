package fr.coffre.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.extraction.ExtractionUnavailableException;
import fr.coffre.index.DocumentExtractorHolder;
import fr.coffre.index.ExtractionConfig;
import fr.coffre.roles.RolesConfig;
import fr.coffre.scratch.ScratchDirectory;
import fr.coffre.testing.Corpus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractionReadinessCheckTest {

    @TempDir
    Path tmp;

    @Test
    void aWorkerThatExtractsIsReady() throws Exception {
        DocumentExtractorHolder holder =
                new DocumentExtractorHolder(config(List.of("-XX:+UseSerialGC", "-Xmx256m")), new ScratchDirectory(tmp));
        try {
            holder.extractor().extract(Corpus.file("pdf/TLM-CR_rendition.pdf"));
            HealthCheckResponse response = new ExtractionReadinessCheck(holder, roles(true)).call();
            assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
            assertEquals(1L, response.getData().orElseThrow().get("processes"));
        } finally {
            holder.extractor().close();
        }
    }

    @Test
    void aWorkerOnlyInstanceThatCannotStartItsExtractionProcessesIsNotReadyAndSaysWhy() {
        DocumentExtractorHolder holder =
                new DocumentExtractorHolder(config(List.of("-XX:+NoSuchOptionAnywhere")), new ScratchDirectory(tmp));
        try {
            ExtractionReadinessCheck worker = new ExtractionReadinessCheck(holder, roles(true));
            ExtractionReadinessCheck servingTheApi = new ExtractionReadinessCheck(holder, roles(false));
            assertEquals(HealthCheckResponse.Status.UP, worker.call().getStatus(), "nothing tried yet");

            assertThrows(
                    ExtractionUnavailableException.class,
                    () -> holder.extractor().extract(Corpus.file("pdf/TLM-CR_rendition.pdf")));

            HealthCheckResponse response = worker.call();
            assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
            assertTrue(
                    String.valueOf(response.getData().orElseThrow().get("error"))
                            .startsWith("the extraction process did not start"),
                    "why: " + response.getData());
            HealthCheckResponse serving = servingTheApi.call();
            assertEquals(HealthCheckResponse.Status.UP, serving.getStatus(), "uploads and reads need no extraction");
            assertTrue(
                    serving.getData().orElseThrow().containsKey("error"),
                    "the failure still shows: " + serving.getData());
        } finally {
            holder.extractor().close();
        }
    }

    private static ExtractionConfig config(List<String> javaOptions) {
        return new ExtractionConfig() {
            public long maxDocumentBytes() {
                return 1 << 20;
            }

            public int maxTextChars() {
                return 1 << 10;
            }

            public Duration parseTimeout() {
                return Duration.ofSeconds(30);
            }

            public List<String> processJavaOptions() {
                return javaOptions;
            }

            public Optional<Integer> maxProcesses() {
                return Optional.empty();
            }

            public Optional<Path> aotTraining() {
                return Optional.empty();
            }
        };
    }

    private static RolesConfig roles(boolean workerOnly) {
        return new RolesConfig() {
            public boolean api() {
                return !workerOnly;
            }

            public boolean worker() {
                return true;
            }
        };
    }
}
