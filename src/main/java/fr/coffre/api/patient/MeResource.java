package fr.coffre.api.patient;

import fr.coffre.access.AccessLogRepository;
import fr.coffre.access.Audience;
import fr.coffre.access.CallerIdentity;
import fr.coffre.access.ContentResponses;
import fr.coffre.access.DocumentPage;
import fr.coffre.access.DocumentSummary;
import fr.coffre.access.ErasureService;
import fr.coffre.access.PatientDocumentRepository;
import fr.coffre.access.PatientPreferenceRepository;
import fr.coffre.access.PatientUploads;
import fr.coffre.access.VisibleDocument;
import fr.coffre.api.DocumentListQuery;
import fr.coffre.api.QueryParams;
import fr.coffre.api.SlowClientGuard;
import fr.coffre.blocking.Await;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.ErasureRepository;
import fr.coffre.document.Identifier;
import fr.coffre.ingest.DocumentView;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The patient's own space: the patient is the token's {@code ins}, never a parameter. */
@Path("/api/v1/me")
@Tag(name = "Patient")
@RolesAllowed("patient")
public class MeResource {

    private final CallerIdentity caller;
    private final PatientDocumentRepository documents;
    private final PatientPreferenceRepository preferences;
    private final DocumentRepository documentTable;
    private final AccessLogRepository accessLog;
    private final ContentResponses content;
    private final ErasureService erasure;
    private final PatientUploads uploads;
    private final Await await;
    private final SlowClientGuard guard;

    public MeResource(
            CallerIdentity caller,
            PatientDocumentRepository documents,
            PatientPreferenceRepository preferences,
            DocumentRepository documentTable,
            AccessLogRepository accessLog,
            ContentResponses content,
            ErasureService erasure,
            PatientUploads uploads,
            Await await,
            SlowClientGuard guard) {
        this.guard = guard;
        this.await = await;
        this.caller = caller;
        this.documents = documents;
        this.preferences = preferences;
        this.documentTable = documentTable;
        this.accessLog = accessLog;
        this.content = content;
        this.erasure = erasure;
        this.uploads = uploads;
    }

    public record Visibility(Boolean hiddenFromProfessionals) {}

    public record EmergencyAccess(Boolean refused) {}

    @GET
    @Path("documents")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Your documents",
            description = "Newest first, or best match first with `q` (French full-text "
                    + "search, accents ignored, with a highlighted `snippet`). Filters: typeCode, classCode, from, to (a date or a "
                    + "date-time), producer. Pages of `limit` (default 20, at most 100); pass `next` back as `cursor`.")
    public Uni<DocumentPage<DocumentSummary>> list(@BeanParam DocumentListQuery query) {
        Identifier me = caller.patient();
        return documents
                .list(
                        me.value(),
                        List.of(me.system()),
                        Audience.PATIENT,
                        query.filter(),
                        query.cursor,
                        query.pageSize())
                .map(page -> new DocumentPage<>(
                        page.items().stream().map(DocumentSummary::of).toList(), page.next()));
    }

    @GET
    @Path("documents/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One of your documents: metadata and status")
    public Uni<DocumentSummary> get(@PathParam("id") UUID id) {
        return mine(id).map(DocumentSummary::of);
    }

    @GET
    @Path("documents/{id}/content")
    @RunOnVirtualThread
    @Operation(
            summary = "One of your documents' bytes",
            description = "Streamed, with ETag / If-None-Match and one " + "Range (206, or 416).")
    public Response content(@PathParam("id") UUID id, @Context HttpHeaders headers) {
        VisibleDocument document = await.result(mine(id));
        return content.send(document.document(), headers);
    }

    @PUT
    @Path("documents/{id}/visibility")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hide one of your documents from professionals, or show it again")
    public Uni<DocumentSummary> setVisibility(@PathParam("id") UUID id, Visibility request) {
        if (request == null || request.hiddenFromProfessionals() == null) {
            throw new ProblemException(
                    ProblemType.INVALID_METADATA, "Send {\"hiddenFromProfessionals\": true} or false.");
        }
        Identifier me = caller.patient();
        return documentTable
                .hideFromProfessionals(id, me, request.hiddenFromProfessionals())
                .chain(changed -> {
                    if (!changed) {
                        throw notFound(id);
                    }
                    return get(id);
                });
    }

    @GET
    @Path("access-log")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Who read your documents",
            description = "Every read, change or deletion of your documents by a "
                    + "professional or a producer, newest first, with emergency accesses and their reason. Pass the last `id` as "
                    + "`before` for the next page.")
    public Uni<List<AccessLogRepository.View>> accessLog(
            @QueryParam("before") Long before, @QueryParam("limit") Integer limit) {
        return accessLog.forPatient(caller.patient(), before, QueryParams.limit(limit));
    }

    @PUT
    @Path("emergency-access")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Refuse emergency access to your documents, or allow it again")
    public Uni<EmergencyAccess> setEmergencyAccess(EmergencyAccess request) {
        if (request == null || request.refused() == null) {
            throw new ProblemException(ProblemType.INVALID_METADATA, "Send {\"refused\": true} or false.");
        }
        return preferences
                .setRefusesEmergencyAccess(caller.patient(), request.refused())
                .replaceWith(request);
    }

    @POST
    @Path("documents")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    @Operation(
            summary = "Add a document of your own",
            description = "multipart/form-data: an optional `metadata` part "
                    + "(title, typeCode, creationTime), then `content`: PDF, JPEG, PNG, TIFF, RTF or plain text, 5 MiB at most. "
                    + "It is marked as patient-authored and goes through the same checks and indexing as any other.")
    public Response add(
            @HeaderParam("Content-Type") String contentType, @Context UriInfo uri, @Context RoutingContext routing) {
        DocumentView created;
        try (var guarded = guard.watch(routing)) {
            created = uploads.add(caller.patient(), guarded.stream(), guarded.length(), contentType);
        }
        return Response.created(
                        uri.getBaseUriBuilder().path("api/v1/me/documents/{id}").build(created.id()))
                .entity(created)
                .build();
    }

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    @Operation(
            summary = "Close your account",
            description = "Erases all your documents (their bytes, metadata and index entries), your access log and "
                    + "your preferences, and closes your record: producers' new documents are refused "
                    + "(409 `record-closed`) until you reopen it. Documents being recorded at that moment are erased "
                    + "with the others. It cannot be undone; what is kept is when it happened and how many "
                    + "documents went (`GET /api/v1/me/erasures`).")
    public Map<String, Object> close() {
        ErasureService.Erased erased = erasure.erase(caller.patient());
        return Map.of("erasedDocuments", erased.documents(), "erasedAt", erased.at());
    }

    @POST
    @Path("reopen")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Reopen your record",
            description = "After closing your account: producers may send documents for you again. "
                    + "`reopened` is false when your record was not closed.")
    public Uni<Map<String, Boolean>> reopen() {
        return erasure.reopen(caller.patient()).map(reopened -> Map.of("reopened", reopened));
    }

    @GET
    @Path("erasures")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The proof of your erasures",
            description = "When each erasure of your record happened, how many documents it erased and when you "
                    + "reopened your record since; nothing of the documents themselves.")
    public Uni<List<ErasureRepository.Erasure>> erasures() {
        return erasure.proofs(caller.patient());
    }

    private Uni<VisibleDocument> mine(UUID id) {
        Identifier me = caller.patient();
        return documents
                .find(id, me.value(), List.of(me.system()), Audience.PATIENT)
                .map(found -> found.orElseThrow(() -> notFound(id)));
    }

    private static ProblemException notFound(UUID id) {
        return new ProblemException(ProblemType.NOT_FOUND, "You have no document " + id + ".");
    }
}
