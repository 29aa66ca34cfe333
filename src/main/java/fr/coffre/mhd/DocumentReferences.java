package fr.coffre.mhd;

import fr.coffre.document.Author;
import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;

/**
 * A document as an MHD DocumentReference (IHE MHD's mapping of the XDS DocumentEntry): its unique id
 * as masterIdentifier, Coffre's id as the entryUUID, the patient by INS, type, class, author,
 * title, confidentiality, service period, and the attachment that ITI-68 retrieves.
 */
public final class DocumentReferences {

    static final String URI_SYSTEM = "urn:ietf:rfc:3986";
    static final String OID_PREFIX = "urn:oid:";
    static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    private static final Set<String> CONFIDENTIALITY_CODES = Set.of("U", "L", "M", "N", "R", "V");
    // Coffre keeps code systems as CDA gives them (OIDs); FHIR names the common ones by URL.
    private static final Map<String, String> SYSTEM_URLS = Map.of(
            "2.16.840.1.113883.6.1", "http://loinc.org",
            "2.16.840.1.113883.6.96", "http://snomed.info/sct",
            "2.16.840.1.113883.5.25", CONFIDENTIALITY);

    private DocumentReferences() {}

    /** Where ITI-68 retrieves a document's bytes, under the FHIR endpoint {@code base}. */
    public static URI content(URI base, Document document) {
        return URI.create(base + "/Binary/" + document.id());
    }

    /** @param content where ITI-68 retrieves the bytes */
    public static DocumentReference of(Document document, URI contentUrl) {
        DocumentEntry entry = document.entry();
        DocumentReference reference = new DocumentReference();
        reference.setId(document.id().toString());
        if (entry.uniqueId() != null) {
            reference.setMasterIdentifier(masterIdentifier(entry.uniqueId()));
        }
        reference
                .addIdentifier()
                .setUse(Identifier.IdentifierUse.OFFICIAL)
                .setSystem(URI_SYSTEM)
                .setValue("urn:uuid:" + document.id());
        reference.setStatus(
                switch (document.status()) {
                    case SUPERSEDED -> DocumentReferenceStatus.SUPERSEDED;
                    case DELETED -> DocumentReferenceStatus.ENTEREDINERROR;
                    default -> DocumentReferenceStatus.CURRENT;
                });
        if (entry.typeCode() != null) {
            reference.setType(concept(entry.typeCode()));
        }
        if (entry.classCode() != null) {
            reference.addCategory(new CodeableConcept()
                    .addCoding(new Coding()
                            .setSystem(system(entry.classCodeSystem()))
                            .setCode(entry.classCode())));
        }
        reference.setSubject(new Reference()
                .setType("Patient")
                .setIdentifier(new Identifier()
                        .setSystem(system(entry.patient().system()))
                        .setValue(entry.patient().value())));
        reference.setDate(date(document.receivedAt()));
        List<Author> authors = entry.authors() != null
                ? entry.authors()
                : entry.author() == null ? List.of() : List.of(entry.author());
        for (Author author : authors) {
            author(reference, author);
        }
        if (entry.legalAuthenticator() != null) {
            reference.setAuthenticator(person(entry.legalAuthenticator()));
        }
        reference.setDescription(entry.title());
        if (entry.confidentialityCodes() != null) {
            entry.confidentialityCodes().forEach(label -> reference.addSecurityLabel(concept(label)));
        } else if (entry.confidentiality() != null) {
            Coding label = new Coding().setCode(entry.confidentiality());
            if (CONFIDENTIALITY_CODES.contains(entry.confidentiality())) {
                label.setSystem(CONFIDENTIALITY);
            }
            reference.addSecurityLabel(new CodeableConcept().addCoding(label));
        }
        Attachment attachment = new Attachment()
                .setContentType(document.mediaType())
                .setUrl(contentUrl.toString())
                .setTitle(entry.title());
        if (document.size() <= Integer.MAX_VALUE) {
            attachment.setSize((int) document.size());
        }
        if (entry.creationTime() != null) {
            attachment.setCreation(date(entry.creationTime()));
        }
        attachment.setLanguage(entry.languageCode());
        var content = reference.addContent().setAttachment(attachment);
        if (entry.formatCode() != null) {
            content.setFormat(coding(entry.formatCode()));
        }
        var context = reference.getContext();
        if (entry.practiceSettingCode() != null) {
            context.setPracticeSetting(concept(entry.practiceSettingCode()));
        }
        if (entry.healthcareFacilityTypeCode() != null) {
            context.setFacilityType(concept(entry.healthcareFacilityTypeCode()));
        }
        if (entry.eventCodes() != null) {
            entry.eventCodes().forEach(event -> context.addEvent(concept(event)));
        }
        if (entry.referenceIds() != null) {
            entry.referenceIds()
                    .forEach(id -> context.addRelated(new Reference().setIdentifier(new Identifier().setValue(id))));
        }
        if (entry.serviceStartTime() != null || entry.serviceStopTime() != null) {
            reference
                    .getContext()
                    .setPeriod(new Period()
                            .setStart(date(entry.serviceStartTime()))
                            .setEnd(date(entry.serviceStopTime())));
        }
        return reference;
    }

    /**
     * One page of an ITI-67 answer: a searchset Bundle of the documents, with its self link and,
     * unless it is the last page, its next link. No total: counting every match of a large record
     * for each page would cost more than the page.
     *
     * @param base the FHIR endpoint, {@code …/fhir}
     */
    public static Bundle searchSet(List<Document> documents, URI base, URI self, URI next) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.addLink().setRelation("self").setUrl(self.toString());
        if (next != null) {
            bundle.addLink().setRelation("next").setUrl(next.toString());
        }
        for (Document document : documents) {
            bundle.addEntry()
                    .setFullUrl(base + "/DocumentReference/" + document.id())
                    .setResource(of(document, content(base, document)))
                    .getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    /**
     * The unique id as MHD writes it: an OID or a URN as a URI ({@code urn:ietf:rfc:3986}), a
     * {@code root^extension} as the extension under its root.
     */
    static Identifier masterIdentifier(String uniqueId) {
        int caret = uniqueId.indexOf('^');
        if (caret > 0 && OID.matcher(uniqueId.substring(0, caret)).matches()) {
            return new Identifier()
                    .setSystem(OID_PREFIX + uniqueId.substring(0, caret))
                    .setValue(uniqueId.substring(caret + 1));
        }
        if (OID.matcher(uniqueId).matches()) {
            return new Identifier().setSystem(URI_SYSTEM).setValue(OID_PREFIX + uniqueId);
        }
        if (uniqueId.startsWith("urn:")) {
            return new Identifier().setSystem(URI_SYSTEM).setValue(uniqueId);
        }
        return new Identifier().setValue(uniqueId);
    }

    /** A code system as FHIR names it: the usual URL, or the OID as a URN; a URI as it is. */
    static String system(String system) {
        if (system == null) {
            return null;
        }
        if (OID.matcher(system).matches()) {
            return SYSTEM_URLS.getOrDefault(system, OID_PREFIX + system);
        }
        return system;
    }

    /** A code system as Coffre keeps it, the way CDA headers give it: the usual URLs and URNs as bare OIDs. */
    static String oid(String system) {
        if (system == null) {
            return null;
        }
        for (var known : SYSTEM_URLS.entrySet()) {
            if (known.getValue().equals(system)) {
                return known.getKey();
            }
        }
        return system.startsWith(OID_PREFIX) ? system.substring(OID_PREFIX.length()) : system;
    }

    /** The unique id an MHD masterIdentifier names: the reverse of {@link #masterIdentifier}. */
    static String uniqueId(Identifier identifier) {
        if (identifier == null || !identifier.hasValue()) {
            return null;
        }
        String system = identifier.getSystem();
        String value = identifier.getValue();
        if (system == null || system.equals(URI_SYSTEM)) {
            return value.startsWith(OID_PREFIX) ? value.substring(OID_PREFIX.length()) : value;
        }
        if (system.startsWith(OID_PREFIX)) {
            return system.substring(OID_PREFIX.length()) + "^" + value;
        }
        return value;
    }

    /** Whether a label is an HL7 confidentiality level (N, R, V...), rather than another kind of label. */
    static boolean isConfidentialityLevel(Code label) {
        return label.code() != null
                && CONFIDENTIALITY_CODES.contains(label.code())
                && (label.system() == null || "2.16.840.1.113883.5.25".equals(label.system()));
    }

    private static CodeableConcept concept(Code code) {
        return new CodeableConcept().addCoding(coding(code));
    }

    private static Coding coding(Code code) {
        return new Coding()
                .setSystem(system(code.system()))
                .setCode(code.code())
                .setDisplay(code.display());
    }

    /**
     * An author as MHD writes one: a Practitioner reference, or a contained PractitionerRole when
     * the role or specialty is known, followed by its institution as an Organization.
     */
    private static void author(DocumentReference reference, Author author) {
        if (author.role() != null || author.specialty() != null) {
            PractitionerRole role = new PractitionerRole();
            role.setId("author" + reference.getContained().size());
            role.setPractitioner(person(author));
            if (author.institution() != null) {
                role.setOrganization(new Reference().setType("Organization").setDisplay(author.institution()));
            }
            if (author.role() != null) {
                role.addCode(concept(author.role()));
            }
            if (author.specialty() != null) {
                role.addSpecialty(concept(author.specialty()));
            }
            reference.addContained(role);
            reference.addAuthor(new Reference("#" + role.getId()));
            return;
        }
        if (author.id() != null || author.name() != null) {
            reference.addAuthor(person(author));
        }
        if (author.institution() != null) {
            reference.addAuthor(new Reference().setType("Organization").setDisplay(author.institution()));
        }
    }

    private static Reference person(Author author) {
        Reference person = new Reference().setType("Practitioner").setDisplay(author.name());
        if (author.id() != null) {
            person.setIdentifier(
                    new Identifier().setSystem(system(author.system())).setValue(author.id()));
        }
        return person;
    }

    private static Date date(OffsetDateTime time) {
        return time == null ? null : Date.from(time.toInstant());
    }
}
