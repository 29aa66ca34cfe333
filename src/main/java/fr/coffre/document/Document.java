package fr.coffre.document;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A document as Coffre keeps it: its XDS entry, who sent it, where its bytes are, and where it is in
 * the pipeline.
 */
public record Document(
        UUID id,
        String producerId,
        DocumentEntry entry,
        String mediaType,
        String sha256,
        long size,
        String objectKey,
        UUID submissionId,
        UUID replaces,
        DocumentStatus status,
        String statusReason,
        OffsetDateTime receivedAt) {

    /** The patient it is filed under. */
    public Identifier patient() {
        return entry.patient();
    }
}
