package fr.coffre.api.producer;

import fr.coffre.access.ContentResponses;
import fr.coffre.access.ProducerActions;
import fr.coffre.access.Reader;
import fr.coffre.api.SlowClientGuard;
import fr.coffre.blocking.Await;
import fr.coffre.ingest.DocumentView;
import fr.coffre.ingest.IngestConfig;
import fr.coffre.ingest.IngestionService;
import fr.coffre.ingest.Intake;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.ProducerIdentity;
import fr.coffre.ingest.SingleUpload;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.RolesAllowed;
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
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Encoding;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/documents")
@Tag(name = "Producer documents")
@RolesAllowed("producer")
public class DocumentResource {

    private final ProducerIdentity identity;
    private final SingleUpload singleUpload;
    private final IngestConfig config;
    private final ProducerActions actions;
    private final ContentResponses content;
    private final Await await;
    private final SlowClientGuard guard;

    public DocumentResource(
            ProducerIdentity identity,
            SingleUpload singleUpload,
            IngestConfig config,
            ProducerActions actions,
            ContentResponses content,
            Await await,
            SlowClientGuard guard) {
        this.guard = guard;
        this.await = await;
        this.identity = identity;
        this.singleUpload = singleUpload;
        this.config = config;
        this.actions = actions;
        this.content = content;
    }

    public record PatientVisibility(Boolean withheld) {}

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    @Operation(
            summary = "Upload one document",
            description = "multipart/form-data: an optional part `metadata` (JSON), "
                    + "then a part `content` with the document's bytes and media type. 201 when created, 200 when the very same "
                    + "document (same unique id and bytes) was already accepted.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.MULTIPART_FORM_DATA,
                            schema = @Schema(implementation = MultipartForms.DocumentUpload.class),
                            encoding = {
                                @Encoding(name = "metadata", contentType = "application/json"),
                                @Encoding(name = "content", contentType = "application/octet-stream")
                            }))
    @APIResponse(
            responseCode = "201",
            description = "Stored and committed; Location names the document",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DocumentView.class)))
    @APIResponse(
            responseCode = "200",
            description = "The very same document (unique id and bytes) was already accepted",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DocumentView.class)))
    public Response upload(
            @HeaderParam("Content-Type") String contentType, @Context UriInfo uri, @Context RoutingContext routing) {
        Producer producer = identity.current();
        IngestionService.Outcome outcome;
        try (var guarded = guard.watch(routing)) {
            outcome = singleUpload.receive(
                    producer,
                    producer,
                    guarded.stream(),
                    guarded.length(),
                    contentType,
                    declared -> declared,
                    Intake.producer(config));
        }
        DocumentView view = DocumentView.of(outcome.document());
        if (outcome.created()) {
            return Response.created(uri.getBaseUriBuilder()
                            .path("api/v1/documents/{id}")
                            .build(view.id()))
                    .entity(view)
                    .build();
        }
        return Response.ok(view).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Your document filed under a unique id",
            description = "`uniqueId` is required: the live version (neither superseded nor replaced) you sent under"
                    + " it, as a list of one, or an empty list. The read is recorded in the patient's access log.")
    public Uni<List<DocumentView>> byUniqueId(@QueryParam("uniqueId") String uniqueId) {
        if (uniqueId == null || uniqueId.isBlank()) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Give the document's uniqueId.");
        }
        return actions.readByUniqueId(reader(), uniqueId)
                .map(found -> found.map(DocumentView::of).stream().toList());
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A document you sent: metadata and processing status",
            description = "The read is recorded in " + "the patient's access log.")
    public Uni<DocumentView> get(@PathParam("id") UUID id) {
        return actions.read(id, reader(), "metadata").map(DocumentView::of);
    }

    @GET
    @Path("{id}/content")
    @RunOnVirtualThread
    @Operation(
            summary = "The bytes of a document you sent",
            description = "Recorded in the patient's access log before "
                    + "any byte is sent. ETag / If-None-Match and one Range, as for patients.")
    public Response content(@PathParam("id") UUID id, @Context HttpHeaders headers) {
        return content.send(await.result(actions.read(id, reader(), "content")), headers);
    }

    @DELETE
    @Path("{id}")
    @Operation(
            summary = "Delete a document you sent",
            description = "Logical: the document becomes DELETED, is shown to "
                    + "nobody, and the deletion is recorded in the patient's access log.")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return actions.delete(id, reader()).replaceWith(Response.noContent().build());
    }

    @PUT
    @Path("{id}/patient-visibility")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Withhold a document from its patient, or release it",
            description =
                    "{\"withheld\": true} until "
                            + "it has been explained in person, then {\"withheld\": false}. Professionals are not affected. Recorded.")
    public Uni<DocumentView> setPatientVisibility(@PathParam("id") UUID id, PatientVisibility request) {
        if (request == null || request.withheld() == null) {
            throw new ProblemException(ProblemType.INVALID_METADATA, "Send {\"withheld\": true} or false.");
        }
        return actions.withhold(id, reader(), request.withheld()).chain(() -> get(id));
    }

    private Reader reader() {
        return Reader.producer(identity.current());
    }
}
