package fr.coffre.mhd;

import java.net.URI;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;

/**
 * What Coffre's FHIR door does, and nothing more: a client reading it must not try a search or a
 * publication that is not built yet.
 */
public final class Capabilities {

    private static final Date PUBLISHED = Date.from(Instant.parse("2026-12-01T00:00:00Z"));

    private Capabilities() {}

    /** @param base the FHIR endpoint's address, {@code …/fhir} */
    public static CapabilityStatement of(URI base) {
        CapabilityStatement statement = new CapabilityStatement();
        statement.setStatus(PublicationStatus.ACTIVE);
        statement.setDate(PUBLISHED);
        statement.setKind(CapabilityStatementKind.INSTANCE);
        statement.setFhirVersion(FHIRVersion._4_0_1);
        statement.addFormat(FhirFormat.JSON.mediaType);
        statement.addFormat(FhirFormat.XML.mediaType);
        statement.getSoftware().setName("Coffre");
        statement
                .getImplementation()
                .setDescription(
                        "Coffre's IHE MHD door: documents published (ITI-65, ITI-105), found (ITI-67), read, retrieved"
                                + " (ITI-68)")
                .setUrl(base.toString());
        var rest = statement.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.getSecurity()
                .addService(new CodeableConcept()
                        .addCoding(new Coding(
                                "http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth")))
                .setDescription("Bearer tokens from Coffre's identity provider, audience coffre-api. A patient reads"
                        + " their own documents, a producer the documents it sent, a professional what the DMP's rules"
                        + " let them read (header Coffre-Emergency-Reason to break the glass).");
        rest.addInteraction()
                .setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION)
                .setDocumentation("ITI-65 Provide Document Bundle, for producers, application/fhir+json or +xml: one"
                        + " submission set List, its DocumentReferences and their Binaries (or attachment.data), and"
                        + " PATCHes marking replaced documents superseded; all kept or none. Folders are not"
                        + " kept: each is answered with the warning PartialFolderContentNotProcessed.");
        var references = rest.addResource().setType("DocumentReference");
        references.addInteraction().setCode(TypeRestfulInteraction.READ);
        references
                .addInteraction()
                .setCode(TypeRestfulInteraction.CREATE)
                .setDocumentation("ITI-105 Simplified Publish, for producers: the document as"
                        + " content[0].attachment.data, application/fhir+json or application/fhir+xml.");
        references
                .addInteraction()
                .setCode(TypeRestfulInteraction.SEARCHTYPE)
                .setDocumentation("ITI-67 Find Document References, by GET or POST _search; one value per"
                        + " parameter, pages of _count (at most 100) with next links.");
        for (String[] parameter : DocumentSearch.PARAMETERS) {
            references
                    .addSearchParam()
                    .setName(parameter[0])
                    .setType(Enumerations.SearchParamType.fromCode(parameter[1]))
                    .setDocumentation(parameter[2]);
        }
        rest.addResource()
                .setType("Binary")
                .setDocumentation("ITI-68 Retrieve Document: the document's own bytes, with ETag and one Range.")
                .addInteraction()
                .setCode(TypeRestfulInteraction.READ);
        return statement;
    }
}
