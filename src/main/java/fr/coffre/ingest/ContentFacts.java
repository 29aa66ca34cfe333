package fr.coffre.ingest;

import fr.coffre.document.DocumentEntry;
import fr.coffre.document.Identifier;
import java.util.List;
import java.util.Optional;

/**
 * What a document says about itself (a CDA header, a FHIR resource); empty for opaque content.
 * {@code stated} holds no patient: the content's patient is its INS, if it names one among
 * {@code patientIds}.
 */
public record ContentFacts(DocumentEntry stated, List<Identifier> patientIds, Optional<Identifier> ins) {

    public static final ContentFacts NONE = new ContentFacts(DocumentEntry.EMPTY, List.of(), Optional.empty());
}
