package fr.coffre.api.fhir;

import fr.coffre.access.AccessLogRepository;
import fr.coffre.access.Audience;
import fr.coffre.access.CallerIdentity;
import fr.coffre.access.ContentResponses;
import fr.coffre.access.PatientDocumentRepository;
import fr.coffre.access.ProducerActions;
import fr.coffre.access.Professional;
import fr.coffre.access.ProfessionalAccessPolicy;
import fr.coffre.access.Reader;
import fr.coffre.access.SearchLinkRepository;
import fr.coffre.access.VisibleDocument;
import fr.coffre.api.SlowClientGuard;
import fr.coffre.blocking.Await;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.ingest.IngestionService;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.ProducerIdentity;
import fr.coffre.mhd.BundlePublication;
import fr.coffre.mhd.Capabilities;
import fr.coffre.mhd.DocumentReferences;
import fr.coffre.mhd.DocumentSearch;
import fr.coffre.mhd.Fhir;
import fr.coffre.mhd.FhirFormat;
import fr.coffre.mhd.OperationOutcomes;
import fr.coffre.mhd.SimplifiedPublication;
import fr.coffre.problem.Problem;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The IHE MHD door (FHIR R4), as far as it is built: the capability statement, ITI-65 Provide
 * Document Bundle and ITI-105 Simplified Publish for producers, ITI-67 Find Document References, a
 * document reference read by id and ITI-68 Retrieve Document, for a patient's own documents and a
 * producer's. Its refusals are OperationOutcomes carrying the same problem types as the rest of the
 * API.
 */
@Path("/fhir")
@Tag(name = "FHIR (IHE MHD)")
public class FhirResource {

    /** A professional's emergency access states its reason here, as on the professional API. */
    static final String EMERGENCY = "Coffre-Emergency-Reason";

    private final Fhir fhir;
    private final SecurityIdentity identity;
    private final CallerIdentity caller;
    private final ProducerIdentity producers;
    private final PatientDocumentRepository patientDocuments;
    private final ProducerActions producerActions;
    private final ContentResponses content;
    private final AccessLogRepository accessLog;
    private final SimplifiedPublication publication;
    private final ProfessionalAccessPolicy policy;
    private final DocumentRepository documentTable;
    private final BundlePublication bundles;
    private final SearchLinkRepository searchLinks;
    private final SlowClientGuard guard;
    private final Await await;

    public FhirResource(
            Fhir fhir,
            SecurityIdentity identity,
            CallerIdentity caller,
            ProducerIdentity producers,
            PatientDocumentRepository patientDocuments,
            ProducerActions producerActions,
            ContentResponses content,
            AccessLogRepository accessLog,
            SimplifiedPublication publication,
            BundlePublication bundles,
            SearchLinkRepository searchLinks,
            ProfessionalAccessPolicy policy,
            DocumentRepository documentTable,
            SlowClientGuard guard,
            Await await) {
        this.fhir = fhir;
        this.identity = identity;
        this.caller = caller;
        this.producers = producers;
        this.patientDocuments = patientDocuments;
        this.producerActions = producerActions;
        this.content = content;
        this.accessLog = accessLog;
        this.publication = publication;
        this.policy = policy;
        this.documentTable = documentTable;
        this.bundles = bundles;
        this.searchLinks = searchLinks;
        this.guard = guard;
        this.await = await;
    }

    @GET
    @Path("metadata")
    @PermitAll
    @Operation(summary = "The CapabilityStatement: exactly what this FHIR endpoint supports")
    public Response metadata(@QueryParam("_format") String format, @Context HttpHeaders headers, @Context UriInfo uri) {
        return resource(Capabilities.of(base(uri)), format, headers, Response.Status.OK);
    }

    @GET
    @Path("DocumentReference")
    @RolesAllowed({"patient", "producer", "professional"})
    @Operation(
            summary = "ITI-67 Find Document References",
            description = "A searchset Bundle of a patient's documents: for a patient, their own (patient.identifier"
                    + " must be their INS); for a producer, the ones it sent, each listed document recorded in the"
                    + " patient's access log. Parameters: GET /fhir/metadata lists them.")
    public Uni<Response> search(
            @QueryParam("_format") String format, @Context HttpHeaders headers, @Context UriInfo uri) {
        return find(uri.getQueryParameters(), format, headers, uri);
    }

    @POST
    @Path("DocumentReference/_search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed({"patient", "producer", "professional"})
    @Operation(
            summary = "ITI-67 Find Document References, by POST",
            description = "The same search with its parameters in a form body, which keeps the INS out of URLs.")
    public Uni<Response> searchByPost(
            MultivaluedMap<String, String> form,
            @QueryParam("_format") String format,
            @Context HttpHeaders headers,
            @Context UriInfo uri) {
        Map<String, List<String>> params = new LinkedHashMap<>(uri.getQueryParameters());
        form.forEach((name, values) -> params.merge(name, values, (a, b) -> {
            List<String> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        }));
        return find(params, format, headers, uri);
    }

    /**
     * What a caller's search reads: for a patient, their own documents; for a producer, those it
     * sent; for a professional, what the DMP's rules let them read of that patient's record.
     *
     * @param recorded who is written to the access log for each document listed (not the patient)
     * @param decision a professional's, for the access log
     */
    private record Reading(
            DocumentSearch search,
            List<String> systems,
            Audience audience,
            Reader recorded,
            ProfessionalAccessPolicy.Decision decision) {

        AccessLogRepository.Entry entry(Document document, String action) {
            return logged(document, recorded, decision, action);
        }
    }

    /** A read by a producer, or by a professional with the decision that allowed it. */
    private static AccessLogRepository.Entry logged(
            Document document, Reader reader, ProfessionalAccessPolicy.Decision decision, String action) {
        return decision == null
                ? new AccessLogRepository.Entry(document.patient(), document.id(), reader, action, false, null)
                : new AccessLogRepository.Entry(
                        document.patient(),
                        document.id(),
                        reader,
                        action,
                        decision.emergency(),
                        decision.reason(),
                        decision.mode().code);
    }

    private Uni<Reading> reading(DocumentSearch asked, String emergency) {
        if (identity.hasRole("patient")) {
            Identifier me = caller.patient();
            if (!me.value().equals(asked.ins()) || !asked.systems().contains(me.system())) {
                throw new ProblemException(
                        ProblemType.FORBIDDEN,
                        "A patient finds their own documents: patient.identifier must be your INS.");
            }
            return Uni.createFrom().item(new Reading(asked, List.of(me.system()), Audience.PATIENT, null, null));
        }
        if (identity.hasRole("producer")) {
            Producer sender = producers.current();
            return Uni.createFrom()
                    .item(new Reading(
                            asked.sentBy(sender.id()),
                            asked.systems(),
                            Audience.PRODUCER,
                            Reader.producer(sender),
                            null));
        }
        Professional professional = caller.practitioner();
        return policy.decide(professional, asked.ins(), emergency(emergency))
                .map(decision -> new Reading(
                        asked.readableBy(decision.readableTypes()),
                        asked.systems(),
                        decision.audience(),
                        professional.reader(),
                        decision));
    }

    private static String emergency(String header) {
        if (header != null && header.isBlank()) {
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST, "An emergency access must state its reason in " + EMERGENCY + ".");
        }
        return header == null ? null : header.trim();
    }

    /**
     * A search, or the page of one a link names. Links name the search kept in {@code search_link}
     * rather than repeat its parameters, so the INS stays out of them; the caller's right to read is
     * decided again for each page.
     */
    private Uni<Response> find(Map<String, List<String>> params, String format, HttpHeaders headers, UriInfo uri) {
        UUID link = DocumentSearch.link(params);
        String owner = identity.getPrincipal().getName();
        if (link == null) {
            return find(DocumentSearch.of(params), null, owner, format, headers, uri);
        }
        return searchLinks
                .find(link, owner)
                .map(kept -> kept.orElseThrow(() -> new ProblemException(
                        ProblemType.SEARCH_EXPIRED,
                        "This paging link is past its hour, or it is not yours: search again.")))
                .chain(kept -> find(
                        DocumentSearch.of(DocumentSearch.resumed(kept, params)), link, owner, format, headers, uri));
    }

    private Uni<Response> find(
            DocumentSearch asked, UUID link, String owner, String format, HttpHeaders headers, UriInfo uri) {
        URI base = base(uri);
        return reading(asked, headers == null ? null : headers.getHeaderString(EMERGENCY))
                .chain(reading -> (link != null
                                ? Uni.createFrom().item(link)
                                : searchLinks.save(owner, asked.ins(), asked.applied()))
                        .map(id -> new Linked(reading, id)))
                .chain(linked -> {
                    Reading reading = linked.reading();
                    DocumentSearch search = reading.search();
                    URI self = pageLink(base, linked.link(), search.cursor());
                    if (!search.current()) {
                        return Uni.createFrom()
                                .item(resource(
                                        DocumentReferences.searchSet(List.of(), base, self, null),
                                        format,
                                        headers,
                                        Response.Status.OK));
                    }
                    return patientDocuments
                            .list(
                                    search.ins(),
                                    reading.systems(),
                                    reading.audience(),
                                    search.filter(),
                                    search.cursor(),
                                    search.count())
                            .call(page -> reading.recorded() == null
                                    ? Uni.createFrom().voidItem()
                                    : accessLog.record(page.items().stream()
                                            .map(d -> reading.entry(d.document(), "metadata"))
                                            .toList()))
                            .map(page -> {
                                URI next = page.next() == null ? null : pageLink(base, linked.link(), page.next());
                                List<Document> documents = page.items().stream()
                                        .map(VisibleDocument::document)
                                        .toList();
                                return resource(
                                        DocumentReferences.searchSet(documents, base, self, next),
                                        format,
                                        headers,
                                        Response.Status.OK);
                            });
                });
    }

    /** A search the caller may read, and the id its links name it by. */
    private record Linked(Reading reading, UUID link) {}

    private static URI pageLink(URI base, UUID link, String cursor) {
        return URI.create(base + "/DocumentReference?_page=" + link
                + (cursor == null ? "" : "&_cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
    }

    @POST
    @Consumes({"application/fhir+json", MediaType.APPLICATION_JSON, "application/fhir+xml", MediaType.APPLICATION_XML})
    @RolesAllowed("producer")
    @RunOnVirtualThread
    @Operation(
            summary = "ITI-65 Provide Document Bundle: a submission set and its documents, all kept or none",
            description = "A transaction Bundle: one submission set List, its DocumentReferences and their Binaries"
                    + " (or each document as its attachment.data), decoded as it is read, and PATCH entries marking"
                    + " the documents they replace superseded. Each document is checked and stored as POST"
                    + " /api/v1/documents does, then all are committed together; any refusal keeps none. The answer"
                    + " is a transaction-response Bundle, entry by entry in request order.")
    public Response publishBundle(
            @QueryParam("_format") String format, @Context HttpHeaders headers, @Context RoutingContext routing) {
        Bundle answer;
        try (var guarded = guard.watch(routing)) {
            answer = bundles.publish(producers.current(), guarded.stream(), guarded.length(), bodyFormat(headers));
        }
        return resource(answer, format, headers, Response.Status.OK, bodyFormat(headers));
    }

    @POST
    @Path("DocumentReference")
    @Consumes({"application/fhir+json", MediaType.APPLICATION_JSON, "application/fhir+xml", MediaType.APPLICATION_XML})
    @RolesAllowed("producer")
    @RunOnVirtualThread
    @Operation(
            summary = "ITI-105 Simplified Publish: one document as a DocumentReference",
            description = "The document travels as content[0].attachment.data (base64), decoded as it is read; the"
                    + " rest of the DocumentReference is its metadata. The same checks, storage and guarantees as"
                    + " POST /api/v1/documents: 201 with the DocumentReference Coffre keeps, 200 when the very same"
                    + " document was already published.")
    public Response publish(
            @QueryParam("_format") String format,
            @Context HttpHeaders headers,
            @Context UriInfo uri,
            @Context RoutingContext routing) {
        IngestionService.Outcome outcome;
        try (var guarded = guard.watch(routing)) {
            outcome = publication.publish(producers.current(), guarded.stream(), guarded.length(), bodyFormat(headers));
        }
        Document document = outcome.document();
        URI base = base(uri);
        Response.Status status = outcome.created() ? Response.Status.CREATED : Response.Status.OK;
        Response response = resource(
                DocumentReferences.of(document, DocumentReferences.content(base, document)),
                format,
                headers,
                status,
                bodyFormat(headers));
        return outcome.created()
                ? Response.fromResponse(response)
                        .location(URI.create(base + "/DocumentReference/" + document.id()))
                        .build()
                : response;
    }

    @GET
    @Path("DocumentReference/{id}")
    @RolesAllowed({"patient", "producer", "professional"})
    @Operation(
            summary = "A document reference: a patient's own document, or one the producer sent",
            description = "The document's XDS metadata as an MHD DocumentReference; its content.attachment.url is"
                    + " where ITI-68 retrieves the bytes. A producer's read is recorded in the patient's access log.")
    public Uni<Response> documentReference(
            @PathParam("id") String id,
            @QueryParam("_format") String format,
            @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return readable(id, "metadata", headers == null ? null : headers.getHeaderString(EMERGENCY))
                .map(document -> resource(
                        DocumentReferences.of(document, DocumentReferences.content(base(uri), document)),
                        format,
                        headers,
                        Response.Status.OK));
    }

    @GET
    @Path("Binary/{id}")
    @RolesAllowed({"patient", "producer", "professional"})
    @RunOnVirtualThread
    @Operation(
            summary = "ITI-68 Retrieve Document: the document's bytes",
            description = "Streamed as they were sent, with ETag / If-None-Match and one Range (206, or 416).")
    public Response binary(@PathParam("id") String id, @Context HttpHeaders headers) {
        return content.send(await.result(readable(id, "content", headers.getHeaderString(EMERGENCY))), headers);
    }

    /**
     * The caller's document: a patient's own, as the patient's API shows it; a producer's own; one
     * of a patient's a professional may read under the DMP's rules. Recorded, but for the patient.
     */
    private Uni<Document> readable(String id, String action, String emergency) {
        UUID uuid = uuid(id);
        if (identity.hasRole("patient")) {
            Identifier me = caller.patient();
            return patientDocuments
                    .find(uuid, me.value(), List.of(me.system()), Audience.PATIENT)
                    .map(found -> found.map(VisibleDocument::document).orElseThrow(() -> notFound(id)));
        }
        if (identity.hasRole("producer")) {
            return producerActions.read(uuid, Reader.producer(producers.current()), action);
        }
        Professional professional = caller.practitioner();
        String reason = emergency(emergency);
        // The rules are the patient's: found first (a document nobody may see answers as a missing one).
        return documentTable.findById(uuid).chain(found -> {
            if (found.isEmpty()) {
                throw notFound(id);
            }
            String ins = found.get().patient().value();
            return policy.decide(professional, ins, reason)
                    // Refused for this patient: as a missing document, or ids would reveal who has records.
                    .onFailure(refusal -> refusal instanceof ProblemException problem
                            && problem.problem().status() == 403)
                    .transform(refusal -> notFound(id))
                    .chain(decision -> patientDocuments
                            .find(uuid, ins, Ins.OIDS, decision.audience(), decision.readableTypes())
                            .map(visible ->
                                    visible.map(VisibleDocument::document).orElseThrow(() -> notFound(id)))
                            .call(document -> accessLog.record(
                                    List.of(logged(document, professional.reader(), decision, action)))));
        });
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(ProblemType.NOT_FOUND, "No document " + id + " that you may read.");
    }

    private static URI base(UriInfo uri) {
        return uri.getBaseUriBuilder().path("fhir").build();
    }

    private Response resource(IBaseResource resource, String format, HttpHeaders headers, Response.Status status) {
        return resource(resource, format, headers, status, FhirFormat.JSON);
    }

    private Response resource(
            IBaseResource resource, String format, HttpHeaders headers, Response.Status status, FhirFormat otherwise) {
        FhirFormat chosen = FhirFormat.negotiate(format, accepts(headers), otherwise);
        return Response.status(status)
                .type(chosen.mediaType + ";charset=UTF-8")
                .entity(fhir.write(resource, chosen))
                .build();
    }

    private static FhirFormat bodyFormat(HttpHeaders headers) {
        return FhirFormat.ofBody(headers == null ? null : headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
    }

    private static List<String> accepts(HttpHeaders headers) {
        if (headers == null) {
            return List.of();
        }
        try {
            return headers.getAcceptableMediaTypes().stream()
                    .map(type -> type.getType() + "/" + type.getSubtype())
                    .toList();
        } catch (IllegalArgumentException e) {
            return List.of(); // an Accept header that is not media types: as if there were none
        }
    }

    // Refusals of this resource's methods as OperationOutcomes; these take precedence over the
    // application's RFC 9457 mappers for this class.

    @ServerExceptionMapper
    public Response refused(ProblemException e, HttpHeaders headers) {
        return outcome(e.problem(), headers, e.problem().status() == 401);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e, HttpHeaders headers) {
        return outcome(
                Problem.of(
                        ProblemType.UNAUTHENTICATED,
                        "Send a valid bearer token issued by Coffre's identity provider for the coffre-api audience."),
                headers,
                true);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return outcome(
                Problem.of(ProblemType.FORBIDDEN, "Your token's roles do not allow this operation."), headers, false);
    }

    private Response outcome(Problem problem, HttpHeaders headers, boolean challenge) {
        FhirFormat chosen = FhirFormat.negotiate(null, accepts(headers), bodyFormat(headers));
        Response.ResponseBuilder response = Response.status(problem.status())
                .type(chosen.mediaType + ";charset=UTF-8")
                .entity(fhir.write(OperationOutcomes.of(problem), chosen));
        if (challenge) {
            response.header("WWW-Authenticate", "Bearer");
        }
        return response.build();
    }
}
