package fr.coffre.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.DocumentStatus;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A document as patients and professionals see it: no storage detail, no other patient. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentSummary(
        UUID id,
        String title,
        Code typeCode,
        String classCode,
        OffsetDateTime creationTime,
        OffsetDateTime serviceStartTime,
        OffsetDateTime serviceStopTime,
        Author author,
        String producerId,
        String mediaType,
        long size,
        String sha256,
        DocumentStatus status,
        boolean hiddenFromProfessionals,
        boolean patientAuthored,
        OffsetDateTime receivedAt,
        String snippet) {

    public static DocumentSummary of(VisibleDocument v) {
        Document d = v.document();
        DocumentEntry e = d.entry();
        return new DocumentSummary(
                d.id(),
                e.title(),
                e.typeCode(),
                e.classCode(),
                e.creationTime(),
                e.serviceStartTime(),
                e.serviceStopTime(),
                e.author(),
                d.producerId(),
                d.mediaType(),
                d.size(),
                d.sha256(),
                d.status(),
                v.hiddenFromProfessionals(),
                v.patientAuthored(),
                d.receivedAt(),
                v.snippet());
    }
}
