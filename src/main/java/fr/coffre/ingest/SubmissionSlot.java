package fr.coffre.ingest;

import java.util.UUID;

/** Where a document sits in its submission set: the set, its position in the manifest and its part. */
public record SubmissionSlot(UUID submissionId, int ordinal, String part) {

    /** A document uploaded on its own forms a submission set of one. */
    public static SubmissionSlot single() {
        return new SubmissionSlot(UUID.randomUUID(), 0, "content");
    }
}
