package fr.coffre.ingest;

import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.DocumentEntry;
import fr.coffre.extraction.CdaHeader;
import fr.coffre.extraction.CdaHeaderReader;
import fr.coffre.extraction.CodedValue;
import fr.coffre.extraction.ContentKind;
import fr.coffre.extraction.DocumentContentException;
import fr.coffre.extraction.FhirDocumentInfo;
import fr.coffre.extraction.FhirPatientReader;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.storage.DocumentHead;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Reads what a document says about itself from its head, before it is stored: a CDA's header, a
 * FHIR resource's patient and type. XML that fits in the head is also checked whole (well-formed,
 * no DOCTYPE, valid encoding), so that broken or hostile XML is refused before a byte is kept.
 */
@ApplicationScoped
public class ContentInspector {

    private final CdaHeaderReader cda = new CdaHeaderReader();
    private final FhirPatientReader fhir = new FhirPatientReader();

    public ContentFacts inspect(ContentKind kind, DocumentHead head) {
        try {
            return switch (kind) {
                case CDA -> fromCda(head.complete() ? cda.readWhole(head.headStream()) : cda.read(head.headStream()));
                case FHIR_XML, FHIR_JSON -> {
                    if (!head.complete()) {
                        throw new DocumentContentException("a FHIR document is read whole before it is stored, "
                                + "and this one is larger than " + head.length() + " bytes");
                    }
                    yield fromFhir(fhir.read(head.headStream()));
                }
                case XML -> {
                    if (head.complete()) {
                        cda.checkWellFormed(head.headStream());
                    }
                    throw new ProblemException(
                            ProblemType.MEDIA_TYPE_MISMATCH,
                            "XML documents must be HL7 CDA R2 (ClinicalDocument in urn:hl7-org:v3) or FHIR.");
                }
                default -> ContentFacts.NONE;
            };
        } catch (DocumentContentException e) {
            throw new ProblemException(
                    ProblemType.INVALID_CONTENT, "The document cannot be accepted: " + e.getMessage() + ".");
        } catch (UncheckedIOException e) {
            throw new ProblemException(ProblemType.INVALID_CONTENT, "The document could not be read.");
        }
    }

    private static ContentFacts fromCda(CdaHeader h) {
        Author author = null;
        if (h.author() != null) {
            var person = h.author();
            String name = String.join(
                            " ",
                            List.of(
                                    person.givenName() == null ? "" : person.givenName(),
                                    person.familyName() == null ? "" : person.familyName()))
                    .trim();
            author = new Author(
                    person.id() == null ? null : person.id().value(),
                    person.id() == null ? null : person.id().system(),
                    name.isEmpty() ? null : name,
                    person.organization() == null ? null : person.organization().name());
        }
        return new ContentFacts(
                new DocumentEntry(
                        h.uniqueId(),
                        null,
                        code(h.code()),
                        null,
                        h.title(),
                        h.effectiveDateTime(),
                        h.serviceStart(),
                        h.serviceStop(),
                        h.confidentialityCode(),
                        author,
                        null,
                        null,
                        null,
                        null,
                        h.serviceEventCode() == null ? null : List.of(code(h.serviceEventCode())),
                        null,
                        h.languageCode(),
                        h.legalAuthenticator() == null
                                ? null
                                : new Author(
                                        h.legalAuthenticator().value(),
                                        h.legalAuthenticator().system(),
                                        null,
                                        null),
                        null,
                        h.setId(),
                        h.versionNumber(),
                        null),
                h.patientIds(),
                h.ins());
    }

    private static ContentFacts fromFhir(FhirDocumentInfo f) {
        return new ContentFacts(
                new DocumentEntry(null, null, code(f.type()), null, f.title(), f.date(), null, null, null, null),
                f.patientIds(),
                f.ins());
    }

    private static Code code(CodedValue value) {
        return value == null ? null : new Code(value.code(), value.codeSystem(), value.displayName());
    }
}
