package fr.coffre.ingest;

import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.storage.StoredObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The metadata a document is filed with: what the producer declared, completed by what the
 * content says. Where both name a patient they must agree: a document is never filed under
 * either of two different patients.
 */
public record ResolvedMetadata(DocumentEntry entry, String sha256, UUID replaces) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int MAX_TEXT = 1024;
    private static final int MAX_LIST = 100;

    public static ResolvedMetadata resolve(DocumentMetadata declared, ContentFacts facts) {
        DocumentEntry stated = declared.entry();
        Identifier patient = resolvePatient(stated.patient(), facts);
        String uniqueId = resolveUniqueId(stated.uniqueId(), facts.stated().uniqueId());
        DocumentEntry entry =
                DocumentEntry.identity(uniqueId, patient).orElse(stated).orElse(facts.stated());
        if (entry.typeCode() == null || blank(entry.typeCode().code())) {
            throw invalid("typeCode.code is required (a LOINC document type code), in metadata or in the document.");
        }
        if (declared.sha256() != null && !SHA256.matcher(declared.sha256()).matches()) {
            throw invalid("sha256 must be 64 hexadecimal characters.");
        }
        if (entry.serviceStartTime() != null
                && entry.serviceStopTime() != null
                && entry.serviceStopTime().isBefore(entry.serviceStartTime())) {
            throw invalid("serviceStopTime is before serviceStartTime.");
        }
        limited("classCode", entry.classCode());
        limited("title", entry.title());
        limited("confidentiality", entry.confidentiality());
        limited("typeCode", entry.typeCode());
        limited("author", entry.author());
        limited("classCodeSystem", entry.classCodeSystem());
        limited("formatCode", entry.formatCode());
        limited("practiceSettingCode", entry.practiceSettingCode());
        limited("healthcareFacilityTypeCode", entry.healthcareFacilityTypeCode());
        limited("languageCode", entry.languageCode());
        limited("legalAuthenticator", entry.legalAuthenticator());
        limited("setId", entry.setId());
        limited("eventCodes", entry.eventCodes(), ResolvedMetadata::limited);
        limited("authors", entry.authors(), ResolvedMetadata::limited);
        limited("referenceIds", entry.referenceIds(), ResolvedMetadata::limited);
        limited("confidentialityCodes", entry.confidentialityCodes(), ResolvedMetadata::limited);
        return new ResolvedMetadata(
                entry,
                declared.sha256() == null ? null : declared.sha256().toLowerCase(Locale.ROOT),
                declared.replaces());
    }

    private static Identifier resolvePatient(Identifier declared, ContentFacts facts) {
        Optional<Identifier> fromContent = facts.ins();
        fromContent.flatMap(Ins::problemWith).ifPresent(reason -> {
            throw new ProblemException(
                    ProblemType.INVALID_INS, "The document's patient identifier is refused: " + reason + ".");
        });
        Identifier fromMetadata = null;
        if (declared != null) {
            if (blank(declared.value()) || blank(declared.system())) {
                throw invalid(MetadataReader.INCOMPLETE_PATIENT);
            }
            Ins.problemWith(declared).ifPresent(reason -> {
                throw new ProblemException(ProblemType.INVALID_INS, "The declared patient is refused: " + reason + ".");
            });
            fromMetadata = Ins.normalise(declared);
        }
        if (fromContent.isPresent()) {
            Identifier inDocument = Ins.normalise(fromContent.get());
            if (fromMetadata != null && !fromMetadata.equals(inDocument)) {
                throw new ProblemException(
                        ProblemType.PATIENT_CONFLICT,
                        "The patient declared in metadata is not the patient the document names; it was filed under neither.");
            }
            return inDocument;
        }
        if (fromMetadata == null) {
            throw new ProblemException(
                    ProblemType.MISSING_PATIENT,
                    facts.patientIds().isEmpty()
                            ? "Neither the metadata nor the document name the patient: declare patient.id and patient.system (INS)."
                            : "The document names its patient by an identifier that is not an INS: declare the patient's INS in metadata.");
        }
        return fromMetadata;
    }

    private static String resolveUniqueId(String fromMetadata, String fromContent) {
        if (fromMetadata != null && fromContent != null && !fromMetadata.equals(fromContent)) {
            throw invalid("uniqueId " + fromMetadata + " differs from the document's own id " + fromContent + ".");
        }
        String uniqueId = fromMetadata != null ? fromMetadata : fromContent;
        if (blank(uniqueId)) {
            throw invalid("uniqueId is required (your system's id for this document).");
        }
        if (uniqueId.length() > 256) {
            throw invalid("uniqueId has more than 256 characters.");
        }
        return uniqueId;
    }

    public Document toDocument(
            UUID id,
            Producer producer,
            String mediaType,
            StoredObject stored,
            UUID submissionId,
            OffsetDateTime receivedAt) {
        return new Document(
                id,
                producer.id(),
                entry,
                mediaType,
                stored.sha256(),
                stored.size(),
                stored.key(),
                submissionId,
                replaces,
                DocumentStatus.STORED,
                null,
                receivedAt);
    }

    private static void limited(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw invalid(field + " has more than " + MAX_TEXT + " characters.");
        }
    }

    private static void limited(String field, Code code) {
        if (code != null) {
            limited(field + ".code", code.code());
            limited(field + ".system", code.system());
            limited(field + ".display", code.display());
        }
    }

    private static void limited(String field, Author author) {
        if (author != null) {
            limited(field + ".id", author.id());
            limited(field + ".system", author.system());
            limited(field + ".name", author.name());
            limited(field + ".institution", author.institution());
            limited(field + ".role", author.role());
            limited(field + ".specialty", author.specialty());
        }
    }

    private static <T> void limited(String field, List<T> values, BiConsumer<String, T> each) {
        if (values == null) {
            return;
        }
        if (values.size() > MAX_LIST) {
            throw invalid(field + " has more than " + MAX_LIST + " items.");
        }
        for (int i = 0; i < values.size(); i++) {
            each.accept(field + "[" + i + "]", values.get(i));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_METADATA, detail);
    }
}
