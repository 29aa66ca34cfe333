package fr.coffre.api.professional;

import fr.coffre.access.AccessLogRepository;
import fr.coffre.access.CallerIdentity;
import fr.coffre.access.ContentResponses;
import fr.coffre.access.DocumentPage;
import fr.coffre.access.DocumentSummary;
import fr.coffre.access.PatientDocumentRepository;
import fr.coffre.access.Professional;
import fr.coffre.access.ProfessionalAccessPolicy;
import fr.coffre.access.VisibleDocument;
import fr.coffre.api.DocumentListQuery;
import fr.coffre.blocking.Await;
import fr.coffre.document.Ins;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A professional reading a patient's documents, under the DMP's rules ({@link ProfessionalAccessPolicy}):
 * when the patient authorised them or their organisation is in the patient's care team, what the
 * patient has not hidden; in an emergency, with a listed reason in the {@code Coffre-Emergency-Reason}
 * header, everything, unless the patient refuses emergency access; in every case only the types
 * of documents their profession reads. Every document shown is recorded in the patient's access
 * log first, with how the read was allowed.
 */
@Path("/api/v1/patients/{ins}/documents")
@Tag(name = "Professional")
@RolesAllowed("professional")
public class PatientDocumentsResource {

    static final String EMERGENCY_HEADER = "Coffre-Emergency-Reason";

    private final CallerIdentity caller;
    private final PatientDocumentRepository documents;
    private final ProfessionalAccessPolicy policy;
    private final AccessLogRepository accessLog;
    private final ContentResponses content;
    private final Await await;

    public PatientDocumentsResource(
            CallerIdentity caller,
            PatientDocumentRepository documents,
            ProfessionalAccessPolicy policy,
            AccessLogRepository accessLog,
            ContentResponses content,
            Await await) {
        this.await = await;
        this.caller = caller;
        this.documents = documents;
        this.policy = policy;
        this.accessLog = accessLog;
        this.content = content;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A patient's documents",
            description = "The same list, filters and search as the patient's own, without what the patient hides"
                    + " and within the types the professional's profession reads. Each document listed is recorded"
                    + " in the patient's access log.")
    public Uni<DocumentPage<DocumentSummary>> list(
            @PathParam("ins") String ins,
            @HeaderParam(EMERGENCY_HEADER) String emergency,
            @BeanParam DocumentListQuery query) {
        Professional professional = caller.practitioner();
        var filter = query.filter();
        int pageSize = query.pageSize();
        return policy.decide(professional, ins, reason(emergency))
                .chain(decision -> documents
                        .list(
                                ins,
                                Ins.OIDS,
                                decision.audience(),
                                filter.readable(decision.readableTypes()),
                                query.cursor,
                                pageSize)
                        .call(page -> accessLog.record(page.items().stream()
                                .map(d -> entry(d, professional, "metadata", decision))
                                .toList())))
                .map(page -> new DocumentPage<>(
                        page.items().stream().map(DocumentSummary::of).toList(), page.next()));
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One of a patient's documents: metadata and status (recorded)")
    public Uni<DocumentSummary> get(
            @PathParam("ins") String ins, @PathParam("id") UUID id, @HeaderParam(EMERGENCY_HEADER) String emergency) {
        return visible(ins, id, emergency, "metadata").map(DocumentSummary::of);
    }

    @GET
    @Path("{id}/content")
    @RunOnVirtualThread
    @Operation(summary = "One of a patient's documents' bytes (recorded before any byte is sent)")
    public Response content(
            @PathParam("ins") String ins,
            @PathParam("id") UUID id,
            @HeaderParam(EMERGENCY_HEADER) String emergency,
            @Context HttpHeaders headers) {
        VisibleDocument document = await.result(visible(ins, id, emergency, "content"));
        return content.send(document.document(), headers);
    }

    /** The document if this professional may read it, recorded as read. */
    private Uni<VisibleDocument> visible(String ins, UUID id, String emergency, String action) {
        Professional professional = caller.practitioner();
        return policy.decide(professional, ins, reason(emergency))
                .chain(decision -> documents
                        .find(id, ins, Ins.OIDS, decision.audience(), decision.readableTypes())
                        .map(found -> found.orElseThrow(() -> new ProblemException(
                                ProblemType.NOT_FOUND, "This patient has no document " + id + " you may see.")))
                        .call(d -> accessLog.record(List.of(entry(d, professional, action, decision)))));
    }

    private static String reason(String emergency) {
        if (emergency != null && emergency.isBlank()) {
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST,
                    "An emergency access must state its reason in " + EMERGENCY_HEADER + ".");
        }
        return emergency == null ? null : emergency.trim();
    }

    private static AccessLogRepository.Entry entry(
            VisibleDocument d, Professional professional, String action, ProfessionalAccessPolicy.Decision decision) {
        return new AccessLogRepository.Entry(
                d.document().patient(),
                d.document().id(),
                professional.reader(),
                action,
                decision.emergency(),
                decision.reason(),
                decision.mode().code);
    }
}
