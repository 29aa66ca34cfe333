package fr.coffre.extraction;

import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares what the producer declared with what the document says. A patient that differs, an
 * invalid INS, or a CDA/FHIR document naming no patient at all quarantines the document (filing it
 * would put it in the wrong record); a declared type or media type that disagrees is only flagged.
 */
public final class ConsistencyCheck {

    private static final String LOINC_OID = "2.16.840.1.113883.6.1";
    private static final Map<String, String> CODE_SYSTEM_ALIASES = Map.of("http://loinc.org", LOINC_OID);
    private static final Set<String> XML_TYPES = Set.of("application/xml", "text/xml");
    private static final Map<ContentKind, Set<String>> COMPATIBLE_MEDIA_TYPES = Map.of(
            ContentKind.CDA,
                    Set.of(
                            "application/xml",
                            "text/xml",
                            "application/hl7-cda+xml",
                            "application/hl7-v3+xml",
                            "application/x-hl7-cda-level-one+xml"),
            ContentKind.FHIR_JSON, Set.of("application/fhir+json", "application/json"),
            ContentKind.FHIR_XML, Set.of("application/fhir+xml", "application/xml", "text/xml"),
            ContentKind.RTF, Set.of("application/rtf", "text/rtf"),
            ContentKind.TEXT, Set.of("text/plain"));

    private ConsistencyCheck() {}

    /**
     * What the producer declared in the upload's metadata; any component may be null.
     *
     * @param patientIns the patient's INS
     * @param typeCode   the document type (typeCode)
     * @param mediaType  the declared media type (parameters allowed)
     */
    public record Declared(Identifier patientIns, CodedValue typeCode, String mediaType) {}

    /**
     * @param quarantine         why the document must be quarantined, if it must
     * @param detail             a sentence for the status reason, naming no patient data beyond identifiers
     * @param typeCodeDiffers    the document's own type differs from the declared typeCode
     * @param mediaTypeDiffers   the bytes are not of the declared media type
     * @param notes              what could not be checked
     */
    public record Report(
            Optional<QuarantineReason> quarantine,
            String detail,
            boolean typeCodeDiffers,
            boolean mediaTypeDiffers,
            List<String> notes) {

        public Report {
            notes = List.copyOf(notes);
        }

        public boolean consistent() {
            return quarantine.isEmpty() && !typeCodeDiffers && !mediaTypeDiffers;
        }
    }

    public static Report check(Declared declared, ExtractedContent content) {
        List<String> notes = new ArrayList<>();
        QuarantineReason quarantine = null;
        String detail = null;
        boolean structured = content.kind() == ContentKind.CDA
                || content.kind() == ContentKind.FHIR_JSON
                || content.kind() == ContentKind.FHIR_XML;
        Optional<Identifier> documentIns = content.ins();
        Identifier declaredIns = declared.patientIns();

        if (structured && content.patientIds().isEmpty()) {
            quarantine = QuarantineReason.MISSING_PATIENT_ID;
            detail = "the document names no patient identifier";
        } else if (documentIns.isPresent() && Ins.problemWith(documentIns.get()).isPresent()) {
            quarantine = QuarantineReason.INVALID_INS;
            detail = "the document's INS is invalid: "
                    + Ins.problemWith(documentIns.get()).get();
        } else if (declaredIns != null && Ins.problemWith(declaredIns).isPresent()) {
            quarantine = QuarantineReason.INVALID_INS;
            detail = "the declared INS is invalid: "
                    + Ins.problemWith(declaredIns).get();
        } else if (declaredIns != null
                && documentIns.isPresent()
                && !Ins.normalise(declaredIns).equals(Ins.normalise(documentIns.get()))) {
            quarantine = QuarantineReason.PATIENT_MISMATCH;
            detail = "the document's INS " + Ins.normalise(documentIns.get()).value() + " ("
                    + Ins.normalise(documentIns.get()).system() + ") differs from the declared INS "
                    + Ins.normalise(declaredIns).value() + " ("
                    + Ins.normalise(declaredIns).system() + ")";
        } else if (structured && documentIns.isEmpty()) {
            if (declaredIns == null) {
                quarantine = QuarantineReason.MISSING_PATIENT_ID;
                detail = "the document names its patient by local identifiers only, and no INS was declared";
            } else {
                notes.add("the document states no INS: the declared patient could not be checked against it");
            }
        } else if (!structured && declaredIns != null) {
            notes.add("a " + content.detectedMediaType() + " document states no patient: the declared INS is kept");
        }

        boolean typeDiffers = false;
        if (declared.typeCode() != null && declared.typeCode().code() != null && content.code() != null) {
            typeDiffers = !sameCode(declared.typeCode(), content.code());
        } else if (declared.typeCode() != null && content.code() == null && structured) {
            notes.add("the document states no type code");
        }
        boolean mediaDiffers = false;
        String declaredMedia = ContentSniffer.baseType(declared.mediaType());
        if (declaredMedia != null) {
            mediaDiffers = !declaredMedia.equals(content.detectedMediaType())
                    && !COMPATIBLE_MEDIA_TYPES
                            .getOrDefault(content.kind(), Set.of())
                            .contains(declaredMedia)
                    && !(XML_TYPES.contains(declaredMedia) && XML_TYPES.contains(content.detectedMediaType()));
        }
        return new Report(Optional.ofNullable(quarantine), detail, typeDiffers, mediaDiffers, notes);
    }

    private static boolean sameCode(CodedValue declared, CodedValue found) {
        if (!declared.code().equals(found.code())) {
            return false;
        }
        String a = system(declared.codeSystem());
        String b = system(found.codeSystem());
        return a == null || b == null || a.equals(b);
    }

    private static String system(String system) {
        String bare = Ins.stripUrnOid(system);
        return bare == null ? null : CODE_SYSTEM_ALIASES.getOrDefault(bare, bare);
    }
}
