package fr.coffre.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import fr.coffre.ingest.SubmissionRepository.Outcome;
import fr.coffre.ingest.SubmissionRepository.State;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A submission set as the producer API shows it: one entry per document, in manifest order, with
 * its outcome and either the document (with its current status) or the problem that refused it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmissionView(
        UUID id,
        State state,
        Integer expected,
        OffsetDateTime receivedAt,
        OffsetDateTime completedAt,
        @JsonUnwrapped SubmissionSetMetadata set,
        Counts counts,
        List<Entry> documents) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            String part, String uniqueId, Outcome outcome, DocumentView document, Map<String, Object> problem) {}

    public record Counts(int created, int duplicate, int rejected) {

        public static Counts of(List<Entry> entries) {
            int created = 0;
            int duplicate = 0;
            int rejected = 0;
            for (Entry entry : entries) {
                switch (entry.outcome()) {
                    case created -> created++;
                    case duplicate -> duplicate++;
                    case rejected -> rejected++;
                }
            }
            return new Counts(created, duplicate, rejected);
        }
    }
}
