package fr.coffre.mhd;

import fr.coffre.document.Code;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.Identifier;
import fr.coffre.ingest.DocumentMetadata;
import fr.coffre.ingest.IngestionService;
import fr.coffre.ingest.MediaTypePolicy;
import fr.coffre.ingest.SubmissionSetMetadata;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier.IdentifierUse;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * An ITI-65 Provide Document Bundle read as Coffre's ingestion takes it: one submission set (the
 * {@code List}), its documents (each {@code DocumentReference} with its bytes, from its
 * {@code attachment.data} or from the {@code Binary} its {@code attachment.url} names) and the
 * {@code PATCH} entries that mark a replaced document superseded. Everything MHD lets a
 * publication carry that Coffre would not keep is refused, so that nothing sent is silently lost,
 * but folders: MHD lets a recipient that does not keep them publish the rest and answer each with
 * the warning PartialFolderContentNotProcessed, which a folder is answered with here.
 *
 * @param size        the number of entries, each answered in order
 * @param setEntry    the index of the submission set's entry
 * @param set         the submission set's own metadata
 * @param documents   the documents, in entry order
 * @param supersedes  each PATCH entry's index and the document it marks superseded
 * @param folders     the indexes of the folders' entries, not kept
 */
public record ProvidedBundle(
        int size,
        int setEntry,
        SubmissionSetMetadata set,
        List<Published> documents,
        Map<Integer, UUID> supersedes,
        List<Integer> folders) {

    /**
     * A document of the bundle.
     *
     * @param entry    the index of its DocumentReference's entry
     * @param binary   the index of its Binary's entry, or -1 when its bytes are the attachment's data
     * @param metadata what ingestion files it under
     * @param payload  its bytes, spooled
     */
    public record Published(int entry, int binary, DocumentMetadata metadata, FhirPayloadReader.Payload payload) {}

    private static final String SUBMISSION_SET = "submissionset";
    private static final String FOLDER = "folder";
    private static final String EXTENSIONS = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/";
    private static final String SOURCE_ID = EXTENSIONS + "ihe-sourceId";
    private static final String DESIGNATION_TYPE = EXTENSIONS + "ihe-designationType";
    private static final String INTENDED_RECIPIENT = EXTENSIONS + "ihe-intendedRecipient";
    private static final int MAX_TEXT = 1024;
    private static final int MAX_RECIPIENTS = 100;
    private static final String REPLACED_PREFIX = "DocumentReference/";

    /**
     * @param bundle       the Bundle as HAPI parsed it, without its data elements
     * @param payloads     the data elements, by JSON path
     * @param maxDocuments the most documents one bundle may carry
     */
    public static ProvidedBundle of(Bundle bundle, Map<String, FhirPayloadReader.Payload> payloads, int maxDocuments) {
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw invalid("ITI-65 publishes a Bundle of type transaction.");
        }
        List<BundleEntryComponent> entries = bundle.getEntry();
        int setEntry = -1;
        Map<Integer, DocumentReference> references = new LinkedHashMap<>();
        Map<String, Integer> binaries = new HashMap<>();
        Map<Integer, UUID> supersedes = new LinkedHashMap<>();
        List<Integer> folders = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            BundleEntryComponent entry = entries.get(i);
            Resource resource = entry.getResource();
            HTTPVerb method = entry.getRequest().getMethod();
            String type = resource == null ? "nothing" : resource.fhirType();
            if (method == HTTPVerb.PATCH && entry.getRequest().hasUrl()) {
                supersedes.put(i, replaced(i, entry.getRequest().getUrl()));
            } else if (method != HTTPVerb.POST) {
                throw invalid("Entry " + i + ": a publication's entries are POSTs (and PATCHes that mark a replaced"
                        + " document superseded), not " + (method == null ? "no request" : method.toCode()) + ".");
            } else if (resource instanceof ListResource list && coded(list, FOLDER)) {
                folders.add(i);
            } else if (resource instanceof ListResource list) {
                if (!coded(list, SUBMISSION_SET)) {
                    throw invalid("Entry " + i + ": a List is the submission set (code submissionset) or a folder"
                            + " (code folder).");
                }
                if (setEntry >= 0) {
                    throw invalid("Entry " + i + ": a publication has one submission set; entry " + setEntry
                            + " is already one.");
                }
                setEntry = i;
            } else if (resource instanceof DocumentReference reference) {
                references.put(i, reference);
            } else if (resource instanceof Binary) {
                if (!entry.hasFullUrl() || binaries.putIfAbsent(entry.getFullUrl(), i) != null) {
                    throw invalid("Entry " + i + ": each Binary needs a fullUrl of its own, which its"
                            + " DocumentReference's attachment.url names.");
                }
            } else {
                throw invalid("Entry " + i + ": a " + type + " is not part of a publication here (a List, its"
                        + " DocumentReferences and their Binaries).");
            }
        }
        if (setEntry < 0) {
            throw invalid("The publication has no submission set (a List whose code is submissionset).");
        }
        if (references.isEmpty()) {
            throw invalid("The publication has no DocumentReference.");
        }
        if (references.size() > maxDocuments) {
            throw new ProblemException(
                    ProblemType.REQUEST_TOO_LARGE,
                    "A publication may carry at most " + maxDocuments + " documents; this one has " + references.size()
                            + ".");
        }
        ListResource set = (ListResource) entries.get(setEntry).getResource();
        Identifier patient = PublishedReferences.patient(set.getSubject());
        if (patient == null) {
            throw invalid("The submission set's subject names no patient: it must be the patient's INS.");
        }
        Set<String> listed = new HashSet<>();
        set.getEntry().forEach(item -> listed.add(item.getItem().getReference()));
        // A submission set lists its folders too.
        folders.forEach(folder -> listed.remove(entries.get(folder).getFullUrl()));

        List<Published> documents = new ArrayList<>();
        Set<Integer> bytesUsed = new HashSet<>();
        Set<UUID> replaced = new HashSet<>();
        for (var found : references.entrySet()) {
            int i = found.getKey();
            DocumentReference reference = found.getValue();
            String fullUrl = entries.get(i).getFullUrl();
            if (fullUrl == null || !listed.remove(fullUrl)) {
                throw invalid("Entry " + i + ": every DocumentReference has a fullUrl that the submission set lists"
                        + " in its entries.");
            }
            int binary = -1;
            String dataPath = "/entry/" + i + "/resource/content/0/attachment/data";
            FhirPayloadReader.Payload payload = payloads.get(dataPath);
            if (payload != null) {
                bytesUsed.add(i);
            } else {
                String url = reference.getContentFirstRep().getAttachment().getUrl();
                Integer named = url == null ? null : binaries.get(url);
                if (named == null) {
                    throw invalid("Entry " + i + ": the document's bytes are its attachment.data, or the Binary of"
                            + " this bundle its attachment.url names.");
                }
                if (!bytesUsed.add(named)) {
                    throw invalid("Entry " + named + ": a Binary holds the bytes of one document only.");
                }
                binary = named;
                payload = payloads.get("/entry/" + named + "/resource/data");
                Binary bytes = (Binary) entries.get(named).getResource();
                if (payload == null) {
                    throw invalid("Entry " + named + ": the Binary carries no data.");
                }
                String declared = reference.getContentFirstRep().getAttachment().getContentType();
                if (declared != null
                        && bytes.hasContentType()
                        && !MediaTypePolicy.essence(declared).equals(MediaTypePolicy.essence(bytes.getContentType()))) {
                    throw invalid("Entry " + i + ": attachment.contentType is " + declared + " but its Binary's is "
                            + bytes.getContentType() + ".");
                }
            }
            DocumentMetadata metadata = PublishedReferences.metadata(reference, payload.size(), payload.sha1());
            Identifier subject = metadata.entry().patient();
            if (subject != null && !samePatient(subject, patient)) {
                throw new ProblemException(
                        ProblemType.PATIENT_CONFLICT,
                        "Entry " + i + ": the DocumentReference's subject is not the submission set's patient.");
            }
            if (subject == null) {
                metadata = new DocumentMetadata(
                        metadata.entry().orElse(DocumentEntry.identity(null, patient)),
                        metadata.mediaType(),
                        metadata.sha256(),
                        metadata.replaces(),
                        metadata.part(),
                        metadata.withheldFromPatient());
            }
            if (metadata.replaces() != null) {
                replaced.add(metadata.replaces());
            }
            documents.add(new Published(i, binary, metadata, payload));
        }
        if (!listed.isEmpty()) {
            throw invalid("The submission set lists entries that are not DocumentReferences of this bundle: "
                    + String.join(", ", listed) + ".");
        }
        for (var binary : binaries.entrySet()) {
            if (!bytesUsed.contains(binary.getValue())) {
                throw invalid("Entry " + binary.getValue() + ": no DocumentReference's attachment.url names this"
                        + " Binary.");
            }
        }
        for (var patch : supersedes.entrySet()) {
            if (!replaced.contains(patch.getValue())) {
                throw invalid("Entry " + patch.getKey() + ": a PATCH may only mark superseded the document that a"
                        + " DocumentReference of this bundle replaces (relatesTo).");
            }
        }
        if (payloads.size() != documents.size()) {
            throw invalid("Base64 data is taken from a Binary's data or a DocumentReference's"
                    + " content[0].attachment.data, and nowhere else.");
        }
        return new ProvidedBundle(
                entries.size(),
                setEntry,
                setMetadata(set),
                List.copyOf(documents),
                Map.copyOf(supersedes),
                List.copyOf(folders));
    }

    /**
     * The transaction-response: each entry answered in request order, the documents with what
     * ingestion made of them (201, or 200 for one already published), their Binaries likewise.
     *
     * @param outcomes each document's, in the order of {@link #documents}
     */
    public Bundle answer(UUID submissionId, List<IngestionService.Outcome> outcomes) {
        Bundle.BundleEntryResponseComponent[] responses = new Bundle.BundleEntryResponseComponent[size];
        responses[setEntry] = response("201 Created", "List/" + submissionId);
        for (int k = 0; k < documents.size(); k++) {
            Published document = documents.get(k);
            IngestionService.Outcome outcome = outcomes.get(k);
            String status = outcome.created() ? "201 Created" : "200 OK";
            UUID id = outcome.document().id();
            responses[document.entry()] = response(status, "DocumentReference/" + id);
            if (document.binary() >= 0) {
                responses[document.binary()] = response(status, "Binary/" + id);
            }
        }
        supersedes.forEach((entry, replaced) -> responses[entry] = response("200 OK", REPLACED_PREFIX + replaced));
        for (int folder : folders) {
            responses[folder] = new Bundle.BundleEntryResponseComponent()
                    .setStatus("200 OK")
                    .setOutcome(OperationOutcomes.folderNotKept());
        }
        Bundle answer = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (var response : responses) {
            answer.addEntry().setResponse(response);
        }
        return answer;
    }

    private static Bundle.BundleEntryResponseComponent response(String status, String location) {
        return new Bundle.BundleEntryResponseComponent().setStatus(status).setLocation(location);
    }

    /** The List's XDS SubmissionSet metadata, as MHD's extensions and identifiers carry them. */
    private static SubmissionSetMetadata setMetadata(ListResource list) {
        String uniqueId = null;
        for (var identifier : list.getIdentifier()) {
            if (identifier.getUse() == IdentifierUse.OFFICIAL) {
                uniqueId = DocumentReferences.uniqueId(identifier);
            }
        }
        String sourceId = null;
        Code contentType = null;
        List<String> recipients = new ArrayList<>();
        for (Extension extension : list.getExtension()) {
            switch (extension.getUrl()) {
                case SOURCE_ID -> {
                    if (extension.hasValue()
                            && "Identifier".equals(extension.getValue().fhirType())) {
                        sourceId = DocumentReferences.uniqueId(extension.castToIdentifier(extension.getValue()));
                    }
                }
                case DESIGNATION_TYPE -> {
                    if (extension.getValue() instanceof CodeableConcept concept && concept.hasCoding()) {
                        var coding = concept.getCodingFirstRep();
                        contentType = new Code(
                                coding.getCode(), DocumentReferences.oid(coding.getSystem()), coding.getDisplay());
                    }
                }
                case INTENDED_RECIPIENT -> {
                    if (extension.getValue() instanceof Reference recipient) {
                        String named = recipient.hasIdentifier()
                                ? recipient.getIdentifier().getValue()
                                : recipient.hasDisplay() ? recipient.getDisplay() : recipient.getReference();
                        if (named != null) {
                            recipients.add(named);
                        }
                    }
                }
                default -> {
                    // other extensions (the source patient id...) are not kept
                }
            }
        }
        SubmissionSetMetadata metadata =
                new SubmissionSetMetadata(uniqueId, sourceId, contentType, recipients, list.getTitle());
        for (String text : new String[] {metadata.uniqueId(), metadata.sourceId(), metadata.title()}) {
            bounded(text);
        }
        if (contentType != null) {
            bounded(contentType.code());
            bounded(contentType.system());
            bounded(contentType.display());
        }
        if (recipients.size() > MAX_RECIPIENTS) {
            throw invalid("A submission set has at most " + MAX_RECIPIENTS + " intended recipients.");
        }
        recipients.forEach(ProvidedBundle::bounded);
        return metadata;
    }

    private static void bounded(String text) {
        if (text != null && text.length() > MAX_TEXT) {
            throw invalid("The submission set's metadata hold at most " + MAX_TEXT + " characters each.");
        }
    }

    /** Whether the List is of this MHD list type (MHDlistTypes: submissionset, folder). */
    private static boolean coded(ListResource list, String type) {
        return list.getCode().getCoding().stream().anyMatch(coding -> type.equals(coding.getCode()));
    }

    private static UUID replaced(int entry, String url) {
        if (url.startsWith(REPLACED_PREFIX)) {
            try {
                return UUID.fromString(url.substring(REPLACED_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                // answered below
            }
        }
        throw invalid("Entry " + entry + ": a PATCH names the replaced document as DocumentReference/<id>, the id"
                + " Coffre gave it.");
    }

    /** The same INS, whether its system is written as an OID or as urn:oid:. */
    private static boolean samePatient(Identifier a, Identifier b) {
        return Objects.equals(a.value(), b.value()) && Objects.equals(oid(a.system()), oid(b.system()));
    }

    private static String oid(String system) {
        return system != null && system.startsWith(DocumentReferences.OID_PREFIX)
                ? system.substring(DocumentReferences.OID_PREFIX.length())
                : system;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_METADATA, detail);
    }
}
