package fr.coffre.ingest;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * One document in one multipart request: an optional {@code metadata} part, then {@code content},
 * and nothing after. Admitted, then streamed through the ingestion service. Blocking.
 */
@ApplicationScoped
public class SingleUpload {

    private final UploadAdmission admission;
    private final MetadataReader metadataReader;
    private final IngestionService ingestion;
    private final UploadMetrics metrics;

    public SingleUpload(
            UploadAdmission admission,
            MetadataReader metadataReader,
            IngestionService ingestion,
            UploadMetrics metrics) {
        this.admission = admission;
        this.metadataReader = metadataReader;
        this.ingestion = ingestion;
        this.metrics = metrics;
    }

    /**
     * @param admittedAs whose share of the instance and rate it takes
     * @param bodyLength the request body's declared length, when it has one: what admission counts it for
     * @param adjust     what the channel imposes on the declared metadata (the patient's own INS...)
     */
    public IngestionService.Outcome receive(
            Producer producer,
            Producer admittedAs,
            InputStream body,
            OptionalLong bodyLength,
            String contentType,
            UnaryOperator<DocumentMetadata> adjust,
            Intake intake) {
        try {
            return receiveCounted(producer, admittedAs, body, bodyLength, contentType, adjust, intake);
        } catch (RuntimeException e) {
            metrics.rejection(e);
            throw e;
        }
    }

    private IngestionService.Outcome receiveCounted(
            Producer producer,
            Producer admittedAs,
            InputStream body,
            OptionalLong bodyLength,
            String contentType,
            UnaryOperator<DocumentMetadata> adjust,
            Intake intake) {
        try (var permit = admission.admit(admittedAs, intake.patientAuthored(), bodyLength)) {
            MultipartStream multipart = new MultipartStream(body, contentType);
            var part = multipart.next().orElseThrow(() -> malformed("The request has no parts."));
            DocumentMetadata metadata = DocumentMetadata.NONE;
            if (part.name().equals("metadata")) {
                metadata = metadataReader.metadata(part.body());
                part = multipart.next().orElseThrow(() -> malformed("A part named content must follow metadata."));
            }
            if (!part.name().equals("content")) {
                throw malformed(
                        "Expected a part named content (after an optional metadata part), found " + part.name() + ".");
            }
            // The rest of the body is read before the document is committed: a request refused for
            // what follows its content must not have created anything.
            Runnable nothingAfterContent = () -> {
                try {
                    if (multipart.next().isPresent()) {
                        throw malformed("Only metadata and content parts are expected; send several documents"
                                + " to /api/v1/submissions.");
                    }
                } catch (IOException e) {
                    throw malformed("The request body could not be read: " + e.getMessage());
                } catch (MalformedMultipartException e) {
                    throw malformed(e.getMessage());
                }
            };
            var outcome = ingestion.ingest(
                    producer,
                    adjust.apply(metadata),
                    part.contentType(),
                    part.body(),
                    SubmissionSlot.single(),
                    intake,
                    nothingAfterContent);
            // A retry answered from the earlier document, before its bytes were read, is checked here.
            nothingAfterContent.run();
            return outcome;
        } catch (IOException e) {
            throw malformed("The request body could not be read: " + e.getMessage());
        } catch (MalformedMultipartException e) {
            throw malformed(e.getMessage());
        }
    }

    private static ProblemException malformed(String detail) {
        return new ProblemException(ProblemType.MALFORMED_REQUEST, detail);
    }
}
