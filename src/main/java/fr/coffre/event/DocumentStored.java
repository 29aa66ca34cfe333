package fr.coffre.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import fr.coffre.document.Document;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A document was accepted: its bytes are in object storage and its row is committed. Sent on the
 * documents-stored topic (and, unchanged, on the retry and dead-letter topics), keyed by
 * {@link fr.coffre.document.PatientKey}. Holds no patient identity and nothing of the content.
 */
public record DocumentStored(
        UUID documentId,
        String producerId,
        String objectKey,
        String mediaType,
        String sha256,
        long size,
        UUID replaces,
        OffsetDateTime receivedAt)
        implements DocumentEvent {

    public static final String TYPE = "document-stored";

    public static DocumentStored of(Document d) {
        return new DocumentStored(
                d.id(),
                d.producerId(),
                d.objectKey(),
                d.mediaType(),
                d.sha256(),
                d.size(),
                d.replaces(),
                d.receivedAt());
    }

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
