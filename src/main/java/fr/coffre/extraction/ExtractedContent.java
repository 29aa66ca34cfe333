package fr.coffre.extraction;

import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What extraction found in a document: its real kind, its text for the full-text index, and the
 * metadata it states about itself. Metadata components are null (lists empty) when the kind of
 * document does not carry them: a PDF names no patient.
 *
 * @param kind                what the bytes are
 * @param detectedMediaType   the media type judged from the bytes (Coffre's sniffing refined by Tika)
 * @param tikaMediaType       Apache Tika's own detection, when it was asked (zip containers and old
 *                            Office files, which Coffre's sniffing cannot tell apart); else null
 * @param text                the text to index: whitespace collapsed, never base64; may be empty
 * @param textTruncated       the text was longer than the limit and was cut there
 * @param uniqueId            CDA ClinicalDocument/id; FHIR masterIdentifier (Bundle.identifier)
 * @param patientIds          the patient identifiers the document states, in its order
 * @param code                the document type: CDA code, FHIR type's first coding
 * @param title               CDA title; FHIR DocumentReference description or Composition title; PDF/office title
 * @param effectiveTime       CDA effectiveTime/@value exactly as written; FHIR date in ISO-8601
 * @param effectiveDateTime   {@code effectiveTime} parsed
 * @param confidentialityCode CDA confidentialityCode
 * @param authorId            CDA first author's id
 * @param authorName          CDA first author's given and family names; PDF/office creator
 * @param authorOrganization  CDA first author's organization name
 * @param cdaHeader           the whole CDA header (custodian, legal authenticator, service event,
 *                            related documents...), null for other kinds
 * @param fhirDocument        what the FHIR resource says, null for other kinds
 * @param properties          further facts: {@code cda.level}, Tika metadata (page count, image size),
 *                            and per carried file {@code payload.N.mediaType}, {@code .declaredMediaType}...
 * @param warnings            what was left out or looked wrong without preventing indexing
 */
public record ExtractedContent(
        ContentKind kind,
        String detectedMediaType,
        String tikaMediaType,
        String text,
        boolean textTruncated,
        String uniqueId,
        List<Identifier> patientIds,
        CodedValue code,
        String title,
        String effectiveTime,
        OffsetDateTime effectiveDateTime,
        String confidentialityCode,
        Identifier authorId,
        String authorName,
        String authorOrganization,
        CdaHeader cdaHeader,
        FhirDocumentInfo fhirDocument,
        Map<String, String> properties,
        List<String> warnings) {

    public ExtractedContent {
        patientIds = List.copyOf(patientIds);
        properties = Map.copyOf(properties);
        warnings = List.copyOf(warnings);
    }

    /** The patient's national health identifier (INS), if the document states one. */
    public Optional<Identifier> ins() {
        return Ins.firstIns(patientIds);
    }
}
