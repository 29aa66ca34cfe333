package fr.coffre.ingest;

import fr.coffre.blocking.Await;
import fr.coffre.ingest.MultipartStream.Part;
import fr.coffre.ingest.SubmissionRepository.State;
import fr.coffre.observability.LogSafe;
import fr.coffre.problem.Problem;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Receives a submission set: a manifest, then each document's part, taken one at a time as the
 * body streams in. Each document is accepted or refused on its own and its outcome recorded at
 * once, so what was kept is known even if the connection breaks halfway. Blocking.
 */
@ApplicationScoped
public class SubmissionService {

    private static final Logger LOG = Logger.getLogger(SubmissionService.class);

    private final IngestionService ingestion;
    private final SubmissionRepository submissions;
    private final MetadataReader metadataReader;
    private final UploadAdmission admission;
    private final IngestConfig config;
    private final UploadMetrics metrics;
    private final Await await;

    public SubmissionService(
            IngestionService ingestion,
            SubmissionRepository submissions,
            MetadataReader metadataReader,
            UploadAdmission admission,
            IngestConfig config,
            UploadMetrics metrics,
            Await await) {
        this.await = await;
        this.ingestion = ingestion;
        this.submissions = submissions;
        this.metadataReader = metadataReader;
        this.admission = admission;
        this.config = config;
        this.metrics = metrics;
    }

    /** Reads the whole submission; answers its id once every document's outcome is recorded. */
    public UUID receive(Producer producer, MultipartStream multipart) throws IOException {
        Part first = multipart.next().orElseThrow(() -> malformed("The request has no parts."));
        if (!first.name().equals("manifest")) {
            throw malformed("The first part must be the manifest, found " + first.name() + ".");
        }
        List<DocumentMetadata> manifest = metadataReader.manifest(first.body(), config.maxSubmissionDocuments());
        Map<String, Integer> awaited = partsOf(manifest);

        UUID id = UUID.randomUUID();
        await(submissions.open(id, producer.id(), manifest.size()));
        try {
            int unexpected = manifest.size();
            boolean admitted = true; // the request's admission took the first document's token
            for (Optional<Part> next = multipart.next(); next.isPresent(); next = multipart.next()) {
                Part part = next.get();
                Integer ordinal = awaited.remove(part.name());
                if (ordinal == null) {
                    // Each one is a row that every later read of the set loads: a few are listed, more break the
                    // request off.
                    if (unexpected - manifest.size() == config.maxUnexpectedParts()) {
                        throw malformed("The request carries more than " + config.maxUnexpectedParts()
                                + " parts the manifest does not name.");
                    }
                    reject(
                            new SubmissionSlot(id, unexpected++, part.name()),
                            null,
                            problem(
                                    ProblemType.UNEXPECTED_PART,
                                    "The manifest names no part " + part.name()
                                            + ", or names it once and it came again; its content was ignored."));
                    continue;
                }
                if (!admitted) {
                    admission.pace(producer);
                }
                admitted = false;
                ingestOne(producer, manifest.get(ordinal), part, new SubmissionSlot(id, ordinal, part.name()));
            }
            for (var missing : new TreeMap<>(invert(awaited)).entrySet()) {
                reject(
                        new SubmissionSlot(id, missing.getKey(), missing.getValue()),
                        manifest.get(missing.getKey()).entry().uniqueId(),
                        problem(
                                ProblemType.MISSING_PART,
                                "The manifest names part " + missing.getValue()
                                        + " but the request did not carry it."));
            }
            await(submissions.close(id, State.COMPLETE));
            return id;
        } catch (MalformedMultipartException e) {
            abandon(id);
            throw malformed(e.getMessage()).with("submissionId", id);
        } catch (IOException e) {
            abandon(id);
            throw malformed("The request body could not be read to its end: " + e.getMessage())
                    .with("submissionId", id);
        } catch (ProblemException e) {
            abandon(id);
            throw e.with("submissionId", id);
        } catch (RuntimeException e) {
            abandon(id);
            throw e;
        }
    }

    private void ingestOne(Producer producer, DocumentMetadata metadata, Part part, SubmissionSlot slot) {
        try {
            var outcome = ingestion.ingest(producer, metadata, part.contentType(), part.body(), slot);
            if (!outcome.created()) {
                await(submissions.recordDuplicate(slot, outcome.document()));
            }
        } catch (ProblemException e) {
            if (e.is(ProblemType.MALFORMED_REQUEST)) {
                throw e; // the body itself broke: no later part can be read
            }
            reject(slot, metadata.entry().uniqueId(), e.problem());
        }
    }

    // One document of the set refused: recorded in the set, and counted as a refusal.
    private void reject(SubmissionSlot slot, String uniqueId, Problem problem) {
        await(submissions.recordRejected(slot, uniqueId, problem));
        metrics.rejection(problem.slug());
    }

    /** Each manifest entry's part name and position; the manifest must name each part once. */
    private Map<String, Integer> partsOf(List<DocumentMetadata> manifest) {
        if (manifest.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_METADATA, "The manifest lists no document.");
        }
        Map<String, Integer> parts = new HashMap<>();
        for (int i = 0; i < manifest.size(); i++) {
            String part = manifest.get(i) == null ? null : manifest.get(i).part();
            if (part == null || part.isBlank()) {
                throw new ProblemException(ProblemType.INVALID_METADATA, "Manifest entry " + i + " names no \"part\".");
            }
            if (part.equals("manifest") || parts.putIfAbsent(part, i) != null) {
                throw new ProblemException(
                        ProblemType.INVALID_METADATA,
                        "Manifest entry " + i + " names part " + part + ", which is already taken.");
            }
        }
        return parts;
    }

    private static Map<Integer, String> invert(Map<String, Integer> parts) {
        Map<Integer, String> inverted = new HashMap<>();
        parts.forEach((name, ordinal) -> inverted.put(ordinal, name));
        return inverted;
    }

    // A broken request leaves the set marked as such; what was recorded in it stays true.
    private void abandon(UUID id) {
        try {
            await(submissions.close(id, State.INCOMPLETE));
        } catch (RuntimeException e) {
            LOG.warnf("Could not mark submission %s incomplete: %s", id, LogSafe.describe(e));
        }
    }

    private static Problem problem(ProblemType type, String detail) {
        return Problem.of(type, detail);
    }

    private static ProblemException malformed(String detail) {
        return new ProblemException(ProblemType.MALFORMED_REQUEST, detail);
    }

    private <T> T await(Uni<T> uni) {
        return await.result(uni);
    }
}
