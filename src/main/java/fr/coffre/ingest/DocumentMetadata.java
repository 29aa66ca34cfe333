package fr.coffre.ingest;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import fr.coffre.document.DocumentEntry;
import java.util.UUID;

/**
 * The metadata a producer sends with a document: its XDS entry (flat in the JSON, IHE XDS / CI-SIS
 * names) and what goes with this upload. For a CDA whose header carries them, uniqueId, patient,
 * typeCode, title and creationTime may be left out. {@code sha256} is verified when present;
 * {@code replaces} names the document this one supersedes. In a submission's manifest,
 * {@code part} names the multipart part that holds the content. {@code withheldFromPatient} keeps
 * the document from the patient until the producer releases it.
 */
public record DocumentMetadata(
        @JsonUnwrapped DocumentEntry entry,
        String mediaType,
        String sha256,
        UUID replaces,
        String part,
        Boolean withheldFromPatient) {

    public static final DocumentMetadata NONE = new DocumentMetadata(DocumentEntry.EMPTY, null, null, null, null, null);

    public DocumentMetadata {
        entry = entry == null ? DocumentEntry.EMPTY : entry;
    }

    /** The producer keeps it from the patient until it has been explained in person; released later. */
    public boolean withheld() {
        return Boolean.TRUE.equals(withheldFromPatient);
    }
}
