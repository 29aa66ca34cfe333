package fr.coffre.extraction;

import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What the header of an HL7 CDA R2 document says about it. Components are null when the header
 * does not carry them. Identifiers use the CDA {@code id}'s root as system and its extension as
 * value; document ids are written {@code root^extension}, or {@code root} alone (XDS convention).
 *
 * @param uniqueId            ClinicalDocument/id
 * @param patientIds          every recordTarget/patientRole/id carrying both root and extension, in document order
 * @param code                ClinicalDocument/code: the document type
 * @param title               ClinicalDocument/title, trimmed and with whitespace runs collapsed
 * @param effectiveTime       ClinicalDocument/effectiveTime/@value exactly as written
 * @param effectiveDateTime   {@code effectiveTime} parsed
 * @param confidentialityCode ClinicalDocument/confidentialityCode/@code
 * @param languageCode        ClinicalDocument/languageCode/@code
 * @param setId               ClinicalDocument/setId, written like {@code uniqueId}
 * @param versionNumber       ClinicalDocument/versionNumber/@value
 * @param author              the first ClinicalDocument/author
 * @param custodian           ClinicalDocument/custodian's organization
 * @param legalAuthenticator  ClinicalDocument/legalAuthenticator/assignedEntity/id
 * @param serviceStart        effectiveTime/low of the first documentationOf/serviceEvent that has a period
 * @param serviceStop         effectiveTime/high of that same serviceEvent
 * @param replaces            the parentDocument/id of a relatedDocument of type RPLC, written like {@code uniqueId}
 * @param serviceEventCode    the code of the first documentationOf/serviceEvent that has one (the act documented)
 * @param relatedDocuments    every relatedDocument (RPLC, APND, XFRM) with its parentDocument/id, in document order
 */
public record CdaHeader(
        String uniqueId,
        List<Identifier> patientIds,
        CodedValue code,
        String title,
        String effectiveTime,
        OffsetDateTime effectiveDateTime,
        String confidentialityCode,
        String languageCode,
        String setId,
        Integer versionNumber,
        Author author,
        Organization custodian,
        Identifier legalAuthenticator,
        OffsetDateTime serviceStart,
        OffsetDateTime serviceStop,
        String replaces,
        CodedValue serviceEventCode,
        List<RelatedDocument> relatedDocuments) {

    public CdaHeader {
        patientIds = List.copyOf(patientIds);
        relatedDocuments = List.copyOf(relatedDocuments);
    }

    /** The patient's national health identifier (INS), if the header carries one. */
    public Optional<Identifier> ins() {
        return Ins.firstIns(patientIds);
    }

    /**
     * @param id           assignedAuthor/id
     * @param givenName    assignedPerson/name/given parts joined by spaces; null for a device
     * @param familyName   assignedPerson/name/family parts joined by spaces; null for a device
     * @param organization representedOrganization
     */
    public record Author(Identifier id, String givenName, String familyName, Organization organization) {}

    public record Organization(Identifier id, String name) {}

    /**
     * @param typeCode   RPLC (replaces), APND (appends to) or XFRM (transforms)
     * @param documentId the parent document's id, written like {@code uniqueId}
     */
    public record RelatedDocument(String typeCode, String documentId) {}
}
