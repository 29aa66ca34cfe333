package fr.coffre.document;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * A document's XDS DocumentEntry metadata (CI-SIS names): what the document is, whoever states it.
 * One record for every stage: what a producer declares, what the content says, what is resolved
 * from both and filed, and what is shown. Adding a metadata field starts here (then the migration,
 * the mapper in {@link DocumentRepository}, and the places that really use it).
 *
 * <p>{@code author} is the first of {@code authors} (when several are known, all are in
 * {@code authors}); {@code confidentiality} is the HL7 level (N, R, V...) and
 * {@code confidentialityCodes} every confidentiality code sent, the DMP's visibility labels
 * included.
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
        Author author,
        String classCodeSystem,
        Code formatCode,
        Code practiceSettingCode,
        Code healthcareFacilityTypeCode,
        List<Code> eventCodes,
        List<Author> authors,
        String languageCode,
        Author legalAuthenticator,
        List<String> referenceIds,
        String setId,
        Integer version,
        List<Code> confidentialityCodes) {

    public static final DocumentEntry EMPTY =
            new DocumentEntry(null, null, null, null, null, null, null, null, null, null);

    public DocumentEntry {
        eventCodes = copy(eventCodes);
        authors = copy(authors);
        referenceIds = copy(referenceIds);
        confidentialityCodes = copy(confidentialityCodes);
        if (author == null && authors != null) {
            author = authors.getFirst();
        }
    }

    /** The entry with the fields every door has always kept, the others unknown. */
    public DocumentEntry(
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
        this(
                uniqueId,
                patient,
                typeCode,
                classCode,
                title,
                creationTime,
                serviceStartTime,
                serviceStopTime,
                confidentiality,
                author,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

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
                // The first author and the list go together: from one side, never mixed.
                author != null || authors != null ? author : other.author,
                classCode != null ? classCodeSystem : first(classCodeSystem, other.classCodeSystem),
                first(formatCode, other.formatCode),
                first(practiceSettingCode, other.practiceSettingCode),
                first(healthcareFacilityTypeCode, other.healthcareFacilityTypeCode),
                first(eventCodes, other.eventCodes),
                author != null || authors != null ? authors : other.authors,
                first(languageCode, other.languageCode),
                first(legalAuthenticator, other.legalAuthenticator),
                first(referenceIds, other.referenceIds),
                first(setId, other.setId),
                first(version, other.version),
                first(confidentialityCodes, other.confidentialityCodes));
    }

    /** An entry that states only who and which document: {@code orElse} completes it. */
    public static DocumentEntry identity(String uniqueId, Identifier patient) {
        return new DocumentEntry(uniqueId, patient, null, null, null, null, null, null, null, null);
    }

    /** Whether one of its confidentiality codes is this label (a DMP visibility label, for instance). */
    public boolean labelled(String code) {
        return confidentialityCodes != null && confidentialityCodes.stream().anyMatch(c -> code.equals(c.code()));
    }

    private static <T> List<T> copy(List<T> list) {
        List<T> present = list == null
                ? List.of()
                : list.stream().filter(Objects::nonNull).toList();
        return present.isEmpty() ? null : present;
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }
}
