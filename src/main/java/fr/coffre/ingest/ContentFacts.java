package fr.coffre.ingest;

import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.Identifier;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** What a document says about itself (a CDA header, a FHIR resource); empty for opaque content. */
public record ContentFacts(
        String uniqueId,
        List<Identifier> patientIds,
        Optional<Identifier> ins,
        Code typeCode,
        String title,
        OffsetDateTime creationTime,
        OffsetDateTime serviceStartTime,
        OffsetDateTime serviceStopTime,
        String confidentiality,
        Author author) {

    public static final ContentFacts NONE = new ContentFacts(null, List.of(), Optional.empty(), null, null, null, null,
            null, null, null);
}
