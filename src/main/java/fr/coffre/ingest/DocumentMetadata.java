package fr.coffre.ingest;

import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.PatientRef;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The metadata a producer sends with a document (IHE XDS / CI-SIS names). For a CDA whose header
 * carries them, uniqueId, patient, typeCode, title and creationTime may be left out. In a
 * submission's manifest, {@code part} names the multipart part that holds the content.
 * {@code withheldFromPatient} keeps the document from the patient until the producer releases it.
 */
public record DocumentMetadata(
        String uniqueId,
        PatientRef patient,
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
        UUID replaces,
        String part,
        Boolean withheldFromPatient) {

    public static final DocumentMetadata NONE = new DocumentMetadata(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    /** The producer keeps it from the patient until it has been explained in person; released later. */
    public boolean withheld() {
        return Boolean.TRUE.equals(withheldFromPatient);
    }
}
