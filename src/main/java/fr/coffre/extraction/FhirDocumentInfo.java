package fr.coffre.extraction;

import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What a FHIR DocumentReference, Composition or Bundle says about the document it describes.
 * Components other than {@code resourceType} and {@code patientIds} are null when absent.
 *
 * @param resourceType     the type of the resource read: DocumentReference, Composition or Bundle
 * @param patientIds       the subject patient's identifiers; systems given as {@code urn:oid:} are bare OIDs
 * @param type             the first coding of DocumentReference.type or Composition.type
 * @param title            DocumentReference.description, else its first attachment title; Composition.title
 * @param date             DocumentReference.date or Composition.date
 * @param masterIdentifier DocumentReference.masterIdentifier; for a document Bundle, Bundle.identifier
 *                         (the document's identity in FHIR), else Composition.identifier
 */
public record FhirDocumentInfo(
        String resourceType,
        List<Identifier> patientIds,
        CodedValue type,
        String title,
        OffsetDateTime date,
        String masterIdentifier) {

    public FhirDocumentInfo {
        patientIds = List.copyOf(patientIds);
    }

    /** The patient's national health identifier (INS), if one was found. */
    public Optional<Identifier> ins() {
        return Ins.firstIns(patientIds);
    }
}
