package fr.coffre.access;

import fr.coffre.document.Code;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.Identifier;
import fr.coffre.extraction.ContentKind;
import fr.coffre.ingest.DocumentMetadata;
import fr.coffre.ingest.DocumentView;
import fr.coffre.ingest.IngestionService;
import fr.coffre.ingest.Intake;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.SingleUpload;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * A document a patient adds to their own record: a few kinds, 5 MiB at most, filed under the
 * token's INS whatever the metadata says, marked patient-authored, then checked and indexed like
 * any other. Each patient is a producer of their own, so their unique ids never meet another's.
 */
@ApplicationScoped
public class PatientUploads {

    static final long MAX_SIZE = 5L * 1024 * 1024;
    static final Set<ContentKind> KINDS = Set.of(ContentKind.PDF, ContentKind.IMAGE, ContentKind.RTF, ContentKind.TEXT);
    /** What a patient's document is filed as when the patient says nothing else. */
    static final DocumentEntry PATIENT_DEFAULTS = new DocumentEntry(
            null,
            null,
            new Code("51855-5", "2.16.840.1.113883.6.1", "Patient Note"),
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    private final SingleUpload upload;

    public PatientUploads(SingleUpload upload) {
        this.upload = upload;
    }

    public DocumentView add(Identifier patient, InputStream body, OptionalLong bodyLength, String contentType) {
        Producer self = Producer.patient(patient);
        IngestionService.Outcome outcome = upload.receive(
                self,
                self,
                body,
                bodyLength,
                contentType,
                declared -> {
                    DocumentEntry entry = declared.entry();
                    if (entry.patient() != null && !entry.patient().equals(patient)) {
                        throw new ProblemException(
                                ProblemType.FORBIDDEN, "You may add documents to your own record only.");
                    }
                    String uniqueId = entry.uniqueId() != null
                            ? entry.uniqueId()
                            : UUID.randomUUID().toString();
                    DocumentEntry own = DocumentEntry.identity(uniqueId, patient)
                            .orElse(entry)
                            .orElse(PATIENT_DEFAULTS);
                    return new DocumentMetadata(own, declared.mediaType(), declared.sha256(), null, null, null);
                },
                new Intake(MAX_SIZE, KINDS, true));
        return DocumentView.of(outcome.document());
    }
}
