package fr.coffre.mhd;

import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.Identifier;
import fr.coffre.ingest.DocumentMetadata;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;

/**
 * A DocumentReference sent for publication, read as the metadata Coffre's ingestion takes: the
 * reverse of {@link DocumentReferences}, so that what is published reads back the same. What Coffre
 * cannot keep yet (format, practice setting, facility type, event codes, several authors' roles) is
 * not refused: it is the XDS metadata still to come (docs/mhd-plan.md).
 */
public final class PublishedReferences {

    private PublishedReferences() {}

    /**
     * @param size the decoded attachment's length, checked against attachment.size when it is given
     * @param sha1 its SHA-1, checked against attachment.hash when it is given
     */
    public static DocumentMetadata metadata(DocumentReference reference, long size, byte[] sha1) {
        if (reference.hasStatus() && reference.getStatus() != DocumentReferenceStatus.CURRENT) {
            throw unprocessable("A published DocumentReference has status current.");
        }
        if (reference.getContent().size() != 1) {
            throw unprocessable("A published DocumentReference has exactly one content.");
        }
        var attachment = reference.getContentFirstRep().getAttachment();
        if (!attachment.hasContentType()) {
            throw unprocessable("content.attachment.contentType is required.");
        }
        if (attachment.hasSize() && attachment.getSize() != size) {
            throw new ProblemException(
                    ProblemType.HASH_MISMATCH,
                    "content.attachment.size says " + attachment.getSize() + " bytes; its data decodes to " + size
                            + ".");
        }
        if (attachment.hasHash() && !Arrays.equals(attachment.getHash(), sha1)) {
            throw new ProblemException(
                    ProblemType.HASH_MISMATCH,
                    "content.attachment.hash is not the SHA-1 of its data ("
                            + Base64.getEncoder().encodeToString(sha1) + ").");
        }
        var context = reference.getContext();
        List<Author> authors = authors(reference.getAuthor());
        List<Code> labels = reference.getSecurityLabel().stream()
                .map(PublishedReferences::code)
                .filter(Objects::nonNull)
                .toList();
        DocumentEntry entry = new DocumentEntry(
                DocumentReferences.uniqueId(reference.getMasterIdentifier()),
                patient(reference.getSubject()),
                code(reference.getType()),
                reference.hasCategory()
                        ? reference.getCategoryFirstRep().getCodingFirstRep().getCode()
                        : null,
                reference.hasDescription() ? reference.getDescription() : attachment.getTitle(),
                time(attachment.getCreationElement()),
                context.hasPeriod() ? time(context.getPeriod().getStartElement()) : null,
                context.hasPeriod() ? time(context.getPeriod().getEndElement()) : null,
                confidentiality(labels),
                null,
                reference.hasCategory()
                        ? DocumentReferences.oid(reference
                                .getCategoryFirstRep()
                                .getCodingFirstRep()
                                .getSystem())
                        : null,
                reference.getContentFirstRep().hasFormat()
                        ? code(reference.getContentFirstRep().getFormat())
                        : null,
                code(context.getPracticeSetting()),
                code(context.getFacilityType()),
                context.getEvent().stream().map(PublishedReferences::code).toList(),
                authors,
                attachment.getLanguage(),
                reference.hasAuthenticator() ? person(reference.getAuthenticator()) : null,
                context.getRelated().stream()
                        .filter(Reference::hasIdentifier)
                        .map(related -> related.getIdentifier().getValue())
                        .toList(),
                null,
                null,
                labels);
        return new DocumentMetadata(entry, attachment.getContentType(), null, replaces(reference), null, null);
    }

    /**
     * The patient a subject names: by identifier (the INS, system|value), or by a conditional
     * reference {@code Patient?identifier=system|value}, as PDSm's examples do. Null when there is
     * none.
     */
    static Identifier patient(Reference subject) {
        if (subject == null || subject.isEmpty()) {
            return null; // a CDA's header may still name the patient
        }
        if (!subject.hasIdentifier() && subject.hasReference()) {
            return conditional(subject.getReference());
        }
        if (!subject.hasIdentifier()) {
            throw unprocessable("subject must name the patient by identifier (the INS, system|value): Coffre"
                    + " serves no Patient resources to refer to.");
        }
        var id = subject.getIdentifier();
        if (!id.hasSystem() || !id.hasValue()) {
            throw unprocessable("subject.identifier needs both system (the INS OID) and value.");
        }
        return new Identifier(id.getSystem(), id.getValue());
    }

    private static Identifier conditional(String reference) {
        String prefix = "Patient?identifier=";
        if (!reference.startsWith(prefix)) {
            throw unprocessable("subject must name the patient by identifier (the INS, system|value) or as"
                    + " Patient?identifier=system|value: Coffre serves no Patient resources to refer to.");
        }
        String token;
        try {
            token = URLDecoder.decode(reference.substring(prefix.length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unprocessable("subject's Patient?identifier= is not well URL-encoded.");
        }
        int bar = token.indexOf('|');
        if (bar <= 0 || bar == token.length() - 1 || token.indexOf('&') >= 0) {
            throw unprocessable("subject's Patient?identifier= needs one system|value (the INS OID and the INS).");
        }
        return new Identifier(token.substring(0, bar), token.substring(bar + 1));
    }

    private static Code code(Coding coding) {
        return coding == null || !coding.hasCode()
                ? null
                : new Code(coding.getCode(), DocumentReferences.oid(coding.getSystem()), coding.getDisplay());
    }

    private static Code code(CodeableConcept concept) {
        if (concept == null || !concept.hasCoding()) {
            return null;
        }
        return code(concept.getCodingFirstRep());
    }

    /**
     * Each author as XDS has them: a person (a Practitioner, or a PractitionerRole with its role
     * and specialty, by identifier, display or contained resource) with the institution of the
     * Organization that follows them; an Organization alone is an institution author.
     */
    private static List<Author> authors(List<Reference> references) {
        List<Author> authors = new ArrayList<>();
        for (Reference reference : references) {
            boolean organization =
                    "Organization".equals(reference.getType()) || reference.getResource() instanceof Organization;
            if (!organization) {
                Author person = person(reference);
                if (person != null) {
                    authors.add(person);
                }
                continue;
            }
            String institution = reference.getResource() instanceof Organization org && org.hasName()
                    ? org.getName()
                    : reference.getDisplay();
            int last = authors.size() - 1;
            if (last >= 0 && authors.get(last).institution() == null) {
                Author a = authors.get(last);
                authors.set(last, new Author(a.id(), a.system(), a.name(), institution, a.role(), a.specialty()));
            } else if (institution != null) {
                authors.add(new Author(null, null, null, institution));
            }
        }
        return authors;
    }

    private static Author person(Reference reference) {
        String id = null;
        String system = null;
        String name = reference.getDisplay();
        String institution = null;
        Code role = null;
        Code specialty = null;
        var identifier = reference.getIdentifier();
        if (reference.getResource() instanceof PractitionerRole practitionerRole) {
            Reference practitioner = practitionerRole.getPractitioner();
            identifier = practitioner.hasIdentifier() ? practitioner.getIdentifier() : identifier;
            name = practitioner.hasDisplay() ? practitioner.getDisplay() : name;
            if (practitioner.getResource() instanceof Practitioner contained) {
                identifier = contained.hasIdentifier() ? contained.getIdentifierFirstRep() : identifier;
                name = contained.hasName() ? contained.getNameFirstRep().getNameAsSingleString() : name;
            }
            institution = practitionerRole.getOrganization().getDisplay();
            role = practitionerRole.hasCode() ? code(practitionerRole.getCodeFirstRep()) : null;
            specialty = practitionerRole.hasSpecialty() ? code(practitionerRole.getSpecialtyFirstRep()) : null;
        } else if (reference.getResource() instanceof Practitioner contained) {
            identifier = contained.hasIdentifier() ? contained.getIdentifierFirstRep() : identifier;
            name = contained.hasName() ? contained.getNameFirstRep().getNameAsSingleString() : name;
        }
        if (identifier != null && identifier.hasValue()) {
            id = identifier.getValue();
            system = DocumentReferences.oid(identifier.getSystem());
        }
        if (id == null && name == null && institution == null) {
            return null;
        }
        return new Author(id, system, name, institution, role, specialty);
    }

    /** The HL7 confidentiality level among the labels (the DMP's visibility labels are others). */
    private static String confidentiality(List<Code> labels) {
        for (Code label : labels) {
            if (DocumentReferences.isConfidentialityLevel(label)) {
                return label.code();
            }
        }
        return labels.isEmpty() ? null : labels.getFirst().code();
    }

    private static UUID replaces(DocumentReference reference) {
        for (var relation : reference.getRelatesTo()) {
            if (relation.getCode() == DocumentReference.DocumentRelationshipType.REPLACES) {
                String target = relation.getTarget().getReference();
                String prefix = "DocumentReference/";
                if (target != null && target.startsWith(prefix)) {
                    try {
                        return UUID.fromString(target.substring(prefix.length()));
                    } catch (IllegalArgumentException e) {
                        // answered below
                    }
                }
                throw unprocessable("relatesTo (replaces) must name the replaced document as DocumentReference/<id>,"
                        + " the id Coffre gave it.");
            }
        }
        return null;
    }

    private static OffsetDateTime time(BaseDateTimeType value) {
        return value == null || value.getValue() == null
                ? null
                : OffsetDateTime.ofInstant(value.getValue().toInstant(), ZoneOffset.UTC);
    }

    private static ProblemException unprocessable(String detail) {
        return new ProblemException(ProblemType.INVALID_METADATA, detail);
    }
}
