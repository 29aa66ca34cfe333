package fr.coffre.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.PatientRef;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A document as the producer API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentView(
        UUID id,
        String uniqueId,
        DocumentStatus status,
        String statusReason,
        String sha256,
        long size,
        String mediaType,
        PatientRef patient,
        Code typeCode,
        String classCode,
        String title,
        OffsetDateTime creationTime,
        OffsetDateTime serviceStartTime,
        OffsetDateTime serviceStopTime,
        String confidentiality,
        Author author,
        UUID replaces,
        UUID submissionId,
        OffsetDateTime receivedAt) {

    public static DocumentView of(Document d) {
        return new DocumentView(d.id(), d.uniqueId(), d.status(), d.statusReason(), d.sha256(), d.size(), d.mediaType(),
                PatientRef.of(d.patient()), d.typeCode(), d.classCode(), d.title(), d.creationTime(),
                d.serviceStartTime(), d.serviceStopTime(), d.confidentiality(), d.author(), d.replaces(),
                d.submissionId(), d.receivedAt());
    }
}
