package fr.coffre.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.DocumentStatus;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A document as the producer API shows it: its entry's fields flat beside the stored facts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentView(
        UUID id,
        @JsonUnwrapped DocumentEntry entry,
        DocumentStatus status,
        String statusReason,
        String sha256,
        long size,
        String mediaType,
        UUID replaces,
        UUID submissionId,
        OffsetDateTime receivedAt) {

    public static DocumentView of(Document d) {
        return new DocumentView(
                d.id(),
                d.entry(),
                d.status(),
                d.statusReason(),
                d.sha256(),
                d.size(),
                d.mediaType(),
                d.replaces(),
                d.submissionId(),
                d.receivedAt());
    }
}
