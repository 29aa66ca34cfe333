package fr.coffre.api.producer;

import fr.coffre.access.AccessLogRepository;
import fr.coffre.access.Reader;
import fr.coffre.api.QueryParams;
import fr.coffre.api.SlowClientGuard;
import fr.coffre.blocking.Await;
import fr.coffre.ingest.MalformedMultipartException;
import fr.coffre.ingest.MultipartStream;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.ProducerIdentity;
import fr.coffre.ingest.SubmissionRepository;
import fr.coffre.ingest.SubmissionService;
import fr.coffre.ingest.SubmissionView;
import fr.coffre.ingest.UploadAdmission;
import fr.coffre.ingest.UploadMetrics;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Encoding;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/submissions")
@Tag(name = "Producer submissions")
@RolesAllowed("producer")
public class SubmissionResource {

    private final ProducerIdentity identity;
    private final UploadAdmission admission;
    private final SubmissionService service;
    private final SubmissionRepository submissions;
    private final AccessLogRepository accessLog;
    private final UploadMetrics metrics;
    private final Await await;
    private final SlowClientGuard guard;

    public SubmissionResource(
            ProducerIdentity identity,
            UploadAdmission admission,
            SubmissionService service,
            SubmissionRepository submissions,
            AccessLogRepository accessLog,
            UploadMetrics metrics,
            Await await,
            SlowClientGuard guard) {
        this.guard = guard;
        this.await = await;
        this.identity = identity;
        this.admission = admission;
        this.service = service;
        this.submissions = submissions;
        this.accessLog = accessLog;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    @Operation(
            summary = "Upload a submission set of many documents",
            description = "multipart/form-data: a part "
                    + "`manifest` first (a JSON array of document metadata, each naming in `part` the part that holds its "
                    + "content), then the content parts in any order. Each document is accepted or refused on its own; the "
                    + "answer (201, Location of the submission) lists every document with its outcome: `created`, `duplicate` "
                    + "or `rejected` with a problem. The body is read as it streams, at the producer's rate.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.MULTIPART_FORM_DATA,
                            schema = @Schema(implementation = MultipartForms.SubmissionUpload.class),
                            encoding = {
                                @Encoding(name = "manifest", contentType = "application/json"),
                                @Encoding(name = "part", contentType = "application/octet-stream")
                            }))
    @APIResponse(
            responseCode = "201",
            description = "Every document's outcome; Location names the submission set",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SubmissionView.class)))
    public Response submit(
            @HeaderParam("Content-Type") String contentType, @Context UriInfo uri, @Context RoutingContext routing) {
        try (var guarded = guard.watch(routing)) {
            return receive(guarded.stream(), guarded.length(), contentType, uri);
        } catch (RuntimeException e) {
            metrics.rejection(e);
            throw e;
        }
    }

    private Response receive(InputStream body, OptionalLong bodyLength, String contentType, UriInfo uri) {
        Producer producer = identity.current();
        try (var permit = admission.admit(producer, bodyLength)) {
            UUID id = service.receive(producer, new MultipartStream(body, contentType));
            SubmissionView view = await.result(submissions.find(id, producer.id()))
                    .orElseThrow(() -> new IllegalStateException("submission " + id + " vanished"));
            return Response.created(uri.getBaseUriBuilder()
                            .path("api/v1/submissions/{id}")
                            .build(id))
                    .entity(view)
                    .build();
        } catch (IOException e) {
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST, "The request body could not be read: " + e.getMessage());
        } catch (MalformedMultipartException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, e.getMessage());
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The submission sets you sent, newest first",
            description = "Each with its state, counts of outcomes and own metadata, without its documents (GET"
                    + " /api/v1/submissions/{id} has them). Pass the last set's id as `before` for the next page.")
    public Uni<List<SubmissionView>> list(@QueryParam("before") UUID before, @QueryParam("limit") Integer limit) {
        return submissions.list(identity.current().id(), before, QueryParams.limit(limit));
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A submission set you sent: each document's outcome and current processing status")
    public Uni<SubmissionView> get(@PathParam("id") UUID id) {
        Producer producer = identity.current();
        var reader = Reader.producer(producer);
        return submissions
                .find(id, producer.id())
                .map(found -> found.orElseThrow(
                        () -> new ProblemException(ProblemType.NOT_FOUND, "You sent no submission " + id + ".")))
                // Showing the documents' metadata is a read like any other: recorded first.
                .call(view -> accessLog.record(view.documents().stream()
                        .filter(entry -> entry.document() != null)
                        .map(entry -> new AccessLogRepository.Entry(
                                entry.document().entry().patient(),
                                entry.document().id(),
                                reader,
                                "metadata",
                                false,
                                null))
                        .toList()));
    }
}
