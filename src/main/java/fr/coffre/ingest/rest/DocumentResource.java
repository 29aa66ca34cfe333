package fr.coffre.ingest.rest;

import fr.coffre.document.DocumentRepository;
import fr.coffre.ingest.DocumentMetadata;
import fr.coffre.ingest.DocumentView;
import fr.coffre.ingest.IngestionService;
import fr.coffre.ingest.MalformedMultipartException;
import fr.coffre.ingest.MetadataReader;
import fr.coffre.ingest.MultipartStream;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.ProducerIdentity;
import fr.coffre.ingest.SubmissionSlot;
import fr.coffre.ingest.UploadAdmission;
import fr.coffre.ingest.UploadMetrics;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.io.InputStream;
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
    private final UploadAdmission admission;
    private final MetadataReader metadataReader;
    private final IngestionService ingestion;
    private final DocumentRepository documents;
    private final UploadMetrics metrics;

    public DocumentResource(ProducerIdentity identity, UploadAdmission admission, MetadataReader metadataReader,
            IngestionService ingestion, DocumentRepository documents, UploadMetrics metrics) {
        this.identity = identity;
        this.admission = admission;
        this.metadataReader = metadataReader;
        this.ingestion = ingestion;
        this.documents = documents;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    @Operation(summary = "Upload one document", description = "multipart/form-data: an optional part `metadata` (JSON), "
            + "then a part `content` with the document's bytes and media type. 201 when created, 200 when the very same "
            + "document (same unique id and bytes) was already accepted.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA,
            schema = @Schema(implementation = MultipartForms.DocumentUpload.class),
            encoding = {@Encoding(name = "metadata", contentType = "application/json"),
                @Encoding(name = "content", contentType = "application/octet-stream")}))
    @APIResponse(responseCode = "201", description = "Stored and committed; Location names the document",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DocumentView.class)))
    @APIResponse(responseCode = "200", description = "The very same document (unique id and bytes) was already accepted",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DocumentView.class)))
    public Response upload(InputStream body, @HeaderParam("Content-Type") String contentType, @Context UriInfo uri) {
        try {
            return receive(body, contentType, uri);
        } catch (RuntimeException e) {
            metrics.rejection(e);
            throw e;
        }
    }

    private Response receive(InputStream body, String contentType, UriInfo uri) {
        Producer producer = identity.current();
        try (var permit = admission.admit(producer)) {
            MultipartStream multipart = new MultipartStream(body, contentType);
            var part = multipart.next().orElseThrow(() -> malformed("The request has no parts."));
            DocumentMetadata metadata = DocumentMetadata.NONE;
            if (part.name().equals("metadata")) {
                metadata = metadataReader.metadata(part.body());
                part = multipart.next().orElseThrow(() -> malformed("A part named content must follow metadata."));
            }
            if (!part.name().equals("content")) {
                throw malformed("Expected a part named content (after an optional metadata part), found " + part.name() + ".");
            }
            var outcome = ingestion.ingest(producer, metadata, part.contentType(), part.body(), SubmissionSlot.single());
            if (multipart.next().isPresent()) {
                throw malformed("Only metadata and content parts are expected; send several documents to /api/v1/submissions.");
            }
            DocumentView view = DocumentView.of(outcome.document());
            if (outcome.created()) {
                return Response.created(uri.getBaseUriBuilder().path("api/v1/documents/{id}").build(view.id()))
                        .entity(view).build();
            }
            return Response.ok(view).build();
        } catch (IOException e) {
            throw malformed("The request body could not be read: " + e.getMessage());
        } catch (MalformedMultipartException e) {
            throw malformed(e.getMessage());
        }
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A document you sent: metadata and processing status")
    public Uni<DocumentView> get(@PathParam("id") UUID id) {
        Producer producer = identity.current();
        return documents.findById(id).map(found -> found
                .filter(d -> d.producerId().equals(producer.id()))
                .map(DocumentView::of)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "You sent no document " + id + ".")));
    }

    private static ProblemException malformed(String detail) {
        return new ProblemException(ProblemType.MALFORMED_REQUEST, detail);
    }
}
