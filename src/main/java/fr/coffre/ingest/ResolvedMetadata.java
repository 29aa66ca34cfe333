package fr.coffre.ingest;

import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.storage.StoredObject;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The metadata a document is filed with: what the producer declared, completed by what the
 * content says. Where both name a patient they must agree: a document is never filed under
 * either of two different patients.
 */
public record ResolvedMetadata(
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
        String sha256,
        UUID replaces) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int MAX_TEXT = 1024;

    public static ResolvedMetadata resolve(DocumentMetadata declared, ContentFacts facts) {
        Identifier patient = resolvePatient(declared, facts);
        String uniqueId = resolveUniqueId(declared, facts);
        Code typeCode = declared.typeCode() != null ? declared.typeCode() : facts.typeCode();
        if (typeCode == null || blank(typeCode.code())) {
            throw invalid("typeCode.code is required (a LOINC document type code), in metadata or in the document.");
        }
        if (declared.sha256() != null && !SHA256.matcher(declared.sha256()).matches()) {
            throw invalid("sha256 must be 64 hexadecimal characters.");
        }
        OffsetDateTime start = first(declared.serviceStartTime(), facts.serviceStartTime());
        OffsetDateTime stop = first(declared.serviceStopTime(), facts.serviceStopTime());
        if (start != null && stop != null && stop.isBefore(start)) {
            throw invalid("serviceStopTime is before serviceStartTime.");
        }
        return new ResolvedMetadata(uniqueId, patient, typeCode, limited("classCode", declared.classCode()),
                limited("title", first(declared.title(), facts.title())),
                first(declared.creationTime(), facts.creationTime()), start, stop,
                limited("confidentiality", first(declared.confidentiality(), facts.confidentiality())),
                first(declared.author(), facts.author()),
                declared.sha256() == null ? null : declared.sha256().toLowerCase(Locale.ROOT),
                declared.replaces());
    }

    private static Identifier resolvePatient(DocumentMetadata declared, ContentFacts facts) {
        Optional<Identifier> fromContent = facts.ins();
        fromContent.flatMap(Ins::problemWith).ifPresent(reason -> {
            throw new ProblemException(ProblemType.INVALID_INS, "The document's patient identifier is refused: " + reason + ".");
        });
        Identifier fromMetadata = null;
        if (declared.patient() != null) {
            if (blank(declared.patient().id()) || blank(declared.patient().system())) {
                throw invalid("patient needs both id (the INS) and system (its OID).");
            }
            Identifier id = declared.patient().identifier();
            Ins.problemWith(id).ifPresent(reason -> {
                throw new ProblemException(ProblemType.INVALID_INS, "The declared patient is refused: " + reason + ".");
            });
            fromMetadata = Ins.normalise(id);
        }
        if (fromContent.isPresent()) {
            Identifier inDocument = Ins.normalise(fromContent.get());
            if (fromMetadata != null && !fromMetadata.equals(inDocument)) {
                throw new ProblemException(ProblemType.PATIENT_CONFLICT,
                        "The patient declared in metadata is not the patient the document names; it was filed under neither.");
            }
            return inDocument;
        }
        if (fromMetadata == null) {
            throw new ProblemException(ProblemType.MISSING_PATIENT, facts.patientIds().isEmpty()
                    ? "Neither the metadata nor the document name the patient: declare patient.id and patient.system (INS)."
                    : "The document names its patient by an identifier that is not an INS: declare the patient's INS in metadata.");
        }
        return fromMetadata;
    }

    private static String resolveUniqueId(DocumentMetadata declared, ContentFacts facts) {
        String fromMetadata = declared.uniqueId();
        if (fromMetadata != null && facts.uniqueId() != null && !fromMetadata.equals(facts.uniqueId())) {
            throw invalid("uniqueId " + fromMetadata + " differs from the document's own id " + facts.uniqueId() + ".");
        }
        String uniqueId = first(fromMetadata, facts.uniqueId());
        if (blank(uniqueId)) {
            throw invalid("uniqueId is required (your system's id for this document).");
        }
        if (uniqueId.length() > 256) {
            throw invalid("uniqueId has more than 256 characters.");
        }
        return uniqueId;
    }

    public Document toDocument(UUID id, Producer producer, String mediaType, StoredObject stored, UUID submissionId,
            OffsetDateTime receivedAt) {
        return new Document(id, producer.id(), uniqueId, patient, typeCode, classCode, title, creationTime,
                serviceStartTime, serviceStopTime, confidentiality, mediaType, author, stored.sha256(), stored.size(),
                stored.key(), submissionId, replaces, DocumentStatus.STORED, null, receivedAt);
    }

    private static String limited(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw invalid(field + " has more than " + MAX_TEXT + " characters.");
        }
        return value;
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_METADATA, detail);
    }
}
