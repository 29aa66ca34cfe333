package fr.coffre.document;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;

/**
 * A document's XDS DocumentEntry metadata (CI-SIS names): what the document is, whoever states it.
 * One record for every stage: what a producer declares, what the content says, what is resolved
 * from both and filed, and what is shown. Adding a metadata field starts here (then the migration,
 * the mapper in {@link DocumentRepository}, and the places that really use it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentEntry(
        String uniqueId,
        Identifier patient,
        Code typeCode,
        String classCode,
        String title,
        OffsetDateTime creationTime,
        OffsetDateTime serviceStartTime,
        OffsetDateTime serviceStopTime,
        String confidentiality,
        Author author) {

    public static final DocumentEntry EMPTY =
            new DocumentEntry(null, null, null, null, null, null, null, null, null, null);

    /** Each field from this entry, or from {@code other} where this one has none. */
    public DocumentEntry orElse(DocumentEntry other) {
        return new DocumentEntry(
                first(uniqueId, other.uniqueId),
                first(patient, other.patient),
                first(typeCode, other.typeCode),
                first(classCode, other.classCode),
                first(title, other.title),
                first(creationTime, other.creationTime),
                first(serviceStartTime, other.serviceStartTime),
                first(serviceStopTime, other.serviceStopTime),
                first(confidentiality, other.confidentiality),
                first(author, other.author));
    }

    /** An entry that states only who and which document: {@code orElse} completes it. */
    public static DocumentEntry identity(String uniqueId, Identifier patient) {
        return new DocumentEntry(uniqueId, patient, null, null, null, null, null, null, null, null);
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }
}
