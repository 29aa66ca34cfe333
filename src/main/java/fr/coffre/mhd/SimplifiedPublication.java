package fr.coffre.mhd;

import fr.coffre.ingest.IngestConfig;
import fr.coffre.ingest.IngestionService;
import fr.coffre.ingest.Intake;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.SubmissionSlot;
import fr.coffre.ingest.UploadAdmission;
import fr.coffre.ingest.UploadMetrics;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.scratch.ScratchDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.OptionalLong;
import org.hl7.fhir.r4.model.DocumentReference;

/**
 * ITI-105 Simplified Publish: one DocumentReference whose attachment carries the document as
 * base64 data, through the same admission, checks, storage and commit as a multipart upload. The
 * data is decoded to a temporary file as the body is read (its metadata may follow it), then
 * streamed to ingestion from there. Blocking.
 */
@ApplicationScoped
public class SimplifiedPublication {

    static final String DATA = "/content/0/attachment/data";

    private final UploadAdmission admission;
    private final IngestionService ingestion;
    private final IngestConfig config;
    private final UploadMetrics metrics;
    private final Fhir fhir;
    private final FhirPayloadReader reader;

    public SimplifiedPublication(
            UploadAdmission admission,
            IngestionService ingestion,
            IngestConfig config,
            UploadMetrics metrics,
            Fhir fhir,
            SpoolBudget spool,
            ScratchDirectory scratch) {
        this.admission = admission;
        this.ingestion = ingestion;
        this.config = config;
        this.metrics = metrics;
        this.fhir = fhir;
        this.reader = new FhirPayloadReader(spool, scratch.directory());
    }

    public IngestionService.Outcome publish(
            Producer producer, InputStream body, OptionalLong bodyLength, FhirFormat format) {
        try (var permit = admission.admit(producer, bodyLength);
                FhirPayloadReader.Read read =
                        reader.read(body, config.maxDocumentSize(), config.maxDocumentSize(), format)) {
            if (!"DocumentReference".equals(read.resourceType())) {
                throw new ProblemException(
                        ProblemType.MALFORMED_REQUEST,
                        "ITI-105 publishes one DocumentReference; send several documents as an ITI-65 transaction"
                                + " Bundle, which is not built yet.");
            }
            FhirPayloadReader.Payload data = read.payloads().get(DATA);
            if (data == null || read.payloads().size() != 1) {
                throw new ProblemException(
                        ProblemType.INVALID_METADATA,
                        "The document is sent as content[0].attachment.data (base64), and nothing else is.");
            }
            DocumentReference reference = read.parse(fhir, DocumentReference.class);
            var metadata = PublishedReferences.metadata(reference, data.size(), data.sha1());
            try (InputStream content = Files.newInputStream(data.file())) {
                return ingestion.ingest(
                        producer,
                        metadata,
                        metadata.mediaType(),
                        content,
                        SubmissionSlot.single(),
                        Intake.producer(config),
                        () -> {});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            metrics.rejection(e);
            throw e;
        }
    }
}
