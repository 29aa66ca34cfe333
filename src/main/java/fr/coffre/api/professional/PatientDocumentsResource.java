package fr.coffre.api.professional;

import fr.coffre.access.AccessLogRepository;
import fr.coffre.access.Audience;
import fr.coffre.access.CallerIdentity;
import fr.coffre.access.ContentResponses;
import fr.coffre.access.DocumentPage;
import fr.coffre.access.DocumentSummary;
import fr.coffre.access.PatientDocumentRepository;
import fr.coffre.access.PatientPreferenceRepository;
import fr.coffre.access.Reader;
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
 * A professional reading a patient's documents: what the patient has not hidden, or everything
 * in an emergency stated in the {@code Coffre-Emergency-Reason} header, unless the patient refuses
 * emergency access. Every document shown is recorded in the patient's access log first.
 */
@Path("/api/v1/patients/{ins}/documents")
@Tag(name = "Professional")
@RolesAllowed("professional")
public class PatientDocumentsResource {

    static final String EMERGENCY_HEADER = "Coffre-Emergency-Reason";

    private final CallerIdentity caller;
    private final PatientDocumentRepository documents;
    private final PatientPreferenceRepository preferences;
    private final AccessLogRepository accessLog;
    private final ContentResponses content;
    private final Await await;

    public PatientDocumentsResource(
            CallerIdentity caller,
            PatientDocumentRepository documents,
            PatientPreferenceRepository preferences,
            AccessLogRepository accessLog,
            ContentResponses content,
            Await await) {
        this.await = await;
        this.caller = caller;
        this.documents = documents;
        this.preferences = preferences;
        this.accessLog = accessLog;
        this.content = content;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A patient's documents",
            description = "The same list, filters and search as the patient's own, "
                    + "without what the patient hides. Each document listed is recorded in the patient's access log.")
    public Uni<DocumentPage<DocumentSummary>> list(
            @PathParam("ins") String ins,
            @HeaderParam(EMERGENCY_HEADER) String emergency,
            @BeanParam DocumentListQuery query) {
        Reader reader = caller.professional();
        var filter = query.filter();
        int pageSize = query.pageSize();
        return audience(ins, emergency)
                .chain(audience -> documents.list(ins, Ins.OIDS, audience, filter, query.cursor, pageSize))
                .call(page -> accessLog.record(page.items().stream()
                        .map(d -> entry(d, reader, "metadata", emergency))
                        .toList()))
                .map(page -> new DocumentPage<>(
                        page.items().stream().map(DocumentSummary::of).toList(), page.next()));
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One of a patient's documents: metadata and status (recorded)")
    public Uni<DocumentSummary> get(
            @PathParam("ins") String ins, @PathParam("id") UUID id, @HeaderParam(EMERGENCY_HEADER) String emergency) {
        Reader reader = caller.professional();
        return visible(ins, id, emergency)
                .call(d -> accessLog.record(List.of(entry(d, reader, "metadata", emergency))))
                .map(DocumentSummary::of);
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
        Reader reader = caller.professional();
        VisibleDocument document = await.result(visible(ins, id, emergency)
                .call(d -> accessLog.record(List.of(entry(d, reader, "content", emergency)))));
        return content.send(document.document(), headers);
    }

    private Uni<VisibleDocument> visible(String ins, UUID id, String emergency) {
        return audience(ins, emergency)
                .chain(audience -> documents.find(id, ins, Ins.OIDS, audience))
                .map(found -> found.orElseThrow(() -> new ProblemException(
                        ProblemType.NOT_FOUND, "This patient has no document " + id + " you may see.")));
    }

    private Uni<Audience> audience(String ins, String emergency) {
        if (emergency == null) {
            return Uni.createFrom().item(Audience.PROFESSIONAL);
        }
        if (emergency.isBlank()) {
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST,
                    "An emergency access must state its reason in " + EMERGENCY_HEADER + ".");
        }
        return preferences.refusesEmergencyAccess(ins, Ins.OIDS).map(refused -> {
            if (refused) {
                throw new ProblemException(
                        ProblemType.EMERGENCY_ACCESS_REFUSED,
                        "This patient refuses emergency access to their documents.");
            }
            return Audience.EMERGENCY;
        });
    }

    private static AccessLogRepository.Entry entry(VisibleDocument d, Reader reader, String action, String emergency) {
        return new AccessLogRepository.Entry(
                d.document().patient(),
                d.document().id(),
                reader,
                action,
                emergency != null,
                emergency == null ? null : emergency.trim());
    }
}
