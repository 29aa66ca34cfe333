package fr.coffre.ingest;

import fr.coffre.extraction.ContentKind;
import java.util.Set;

/**
 * What a channel of acceptance lets in: producers send any accepted kind up to the configured
 * size; a patient adding a document of their own is held to a few kinds and a small size.
 *
 * @param maxSize         bytes a document may have
 * @param kinds           the kinds accepted, or null for every kind MediaTypePolicy accepts
 * @param patientAuthored the patient adds it
 */
public record Intake(long maxSize, Set<ContentKind> kinds, boolean patientAuthored) {

    public static Intake producer(IngestConfig config) {
        return new Intake(config.maxDocumentSize(), null, false);
    }

    public boolean accepts(ContentKind kind) {
        return kinds == null || kinds.contains(kind);
    }
}
