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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;

/**
 * ITI-65 Provide Document Bundle: a submission set and its documents, all kept or none, as MHD
 * requires. Every data element is decoded to a temporary file as the body is read; then each
 * document goes through the same admission, checks and storage as a multipart upload, and all are
 * committed in one transaction with their submission set. A refusal of any document deletes what
 * the others had stored. Blocking.
 */
@ApplicationScoped
public class BundlePublication {

    private final UploadAdmission admission;
    private final IngestionService ingestion;
    private final IngestConfig config;
    private final UploadMetrics metrics;
    private final Fhir fhir;
    private final FhirPayloadReader reader;

    public BundlePublication(
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

    /** The transaction-response, each entry answered in request order. */
    public Bundle publish(Producer producer, InputStream body, OptionalLong bodyLength, FhirFormat format) {
        long started = System.nanoTime();
        // One document may be as large as allowed; all of a bundle's together, no larger.
        try (var permit = admission.admit(producer, bodyLength);
                FhirPayloadReader.Read read =
                        reader.read(body, config.maxDocumentSize(), config.maxDocumentSize(), format)) {
            if (!"Bundle".equals(read.resourceType())) {
                throw new ProblemException(
                        ProblemType.MALFORMED_REQUEST,
                        "POST /fhir takes a transaction Bundle (ITI-65); one DocumentReference is published with"
                                + " POST /fhir/DocumentReference (ITI-105).");
            }
            Bundle bundle = read.parse(fhir, Bundle.class);
            ProvidedBundle provided = ProvidedBundle.of(bundle, read.payloads(), config.maxSubmissionDocuments());
            UUID submissionId = UUID.randomUUID();
            List<IngestionService.Staged> staged = stage(producer, provided, submissionId);
            List<IngestionService.Outcome> outcomes;
            try {
                outcomes = ingestion.commitAll(producer, submissionId, provided.set(), staged);
            } catch (ProblemException e) {
                throw e.problem().extensions().get(IngestionService.DOCUMENT) instanceof Integer document
                        ? e.with("entry", provided.documents().get(document).entry())
                        : e;
            }
            outcomes.forEach(outcome ->
                    metrics.accepted(outcome.created(), outcome.document().size(), started));
            return provided.answer(submissionId, outcomes);
        } catch (RuntimeException e) {
            metrics.rejection(e);
            throw e;
        }
    }

    /** Each document checked and stored, in entry order; a refusal deletes what was stored before it. */
    private List<IngestionService.Staged> stage(Producer producer, ProvidedBundle provided, UUID submissionId) {
        List<IngestionService.Staged> staged = new ArrayList<>();
        try {
            for (var document : provided.documents()) {
                if (!staged.isEmpty()) {
                    admission.pace(producer); // the request's admission took the first document's token
                }
                try (InputStream content =
                        Files.newInputStream(document.payload().file())) {
                    staged.add(ingestion.stage(
                            producer,
                            document.metadata(),
                            document.metadata().mediaType(),
                            content,
                            new SubmissionSlot(submissionId, staged.size(), "entry/" + document.entry()),
                            Intake.producer(config)));
                } catch (ProblemException e) {
                    throw e.with("entry", document.entry());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return staged;
        } catch (RuntimeException e) {
            ingestion.discardAll(staged);
            throw e;
        }
    }
}
