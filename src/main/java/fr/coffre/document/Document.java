package fr.coffre.document;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A document as Coffre keeps it: its metadata, where its bytes are, and where it is in the pipeline. */
public record Document(
        UUID id,
        String producerId,
        String uniqueId,
        Identifier patient,
        Code typeCode,
        String classCode,
        String title,
        OffsetDateTime creationTime,
        OffsetDateTime serviceStartTime,
        OffsetDateTime serviceStopTime,
        String confidentiality,
        String mediaType,
        Author author,
        String sha256,
        long size,
        String objectKey,
        UUID submissionId,
        UUID replaces,
        DocumentStatus status,
        String statusReason,
        OffsetDateTime receivedAt) {
}
