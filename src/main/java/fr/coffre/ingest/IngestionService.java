package fr.coffre.ingest;

import fr.coffre.blocking.Await;
import fr.coffre.database.Transactions;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.ErasureRepository;
import fr.coffre.document.PatientKey;
import fr.coffre.document.VisibilityLabel;
import fr.coffre.event.DocumentStored;
import fr.coffre.extraction.ContentKind;
import fr.coffre.extraction.ContentSniffer;
import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.observability.DocumentTelemetry;
import fr.coffre.observability.LogSafe;
import fr.coffre.observability.Traceparent;
import fr.coffre.outbox.OutboxRelay;
import fr.coffre.outbox.OutboxRepository;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.storage.DeclaredHashMismatchException;
import fr.coffre.storage.DocumentHead;
import fr.coffre.storage.DocumentObjectStore;
import fr.coffre.storage.HashingInputStream.SizeLimitExceededException;
import fr.coffre.storage.PartBuffers;
import fr.coffre.storage.PendingObjectRepository;
import fr.coffre.storage.StoredObject;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClosedException;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Accepts one document: checks it from its first bytes, streams it to object storage, then
 * commits its row and its event together. The caller gets an answer only after that commit, so
 * an acknowledged document survives any crash. Blocking: runs on a virtual or worker thread.
 */
@ApplicationScoped
public class IngestionService {

    private static final Logger LOG = Logger.getLogger(IngestionService.class);
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("coffre.upload.outcome");
    private static final AttributeKey<String> PROBLEM = AttributeKey.stringKey("coffre.upload.problem");

    /** The member of a set's refusal that names the refused document: its index in the set. */
    public static final String DOCUMENT = "document";

    private final IngestConfig config;
    private final PartBuffers buffers;
    private final DocumentObjectStore store;
    private final DocumentRepository documents;
    private final ErasureRepository erasures;
    private final PendingObjectRepository pendingObjects;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final ContentInspector inspector;
    private final SubmissionRepository submissions;
    private final Transactions transactions;
    private final String storedTopic;
    private final UploadMetrics metrics;
    private final Tracer tracer;
    private final Await await;

    public IngestionService(
            IngestConfig config,
            PartBuffers buffers,
            DocumentObjectStore store,
            DocumentRepository documents,
            ErasureRepository erasures,
            PendingObjectRepository pendingObjects,
            OutboxRepository outbox,
            OutboxRelay relay,
            ContentInspector inspector,
            SubmissionRepository submissions,
            Transactions transactions,
            KafkaTopicsConfig topics,
            UploadMetrics metrics,
            Tracer tracer,
            Await await) {
        this.config = config;
        this.buffers = buffers;
        this.store = store;
        this.documents = documents;
        this.erasures = erasures;
        this.pendingObjects = pendingObjects;
        this.outbox = outbox;
        this.relay = relay;
        this.inspector = inspector;
        this.submissions = submissions;
        this.transactions = transactions;
        this.storedTopic = topics.topics().documentsStored().name();
        this.metrics = metrics;
        this.tracer = tracer;
        this.await = await;
    }

    /** The document, and whether this call created it (false: the very same one existed). */
    public record Outcome(Document document, boolean created) {}

    /**
     * Ingests one document in its own span (within the request's), with its id in the log MDC. A
     * refusal marks the span with its problem slug only: problem details may quote the metadata or
     * an INS, so they are not recorded on the span.
     */
    public Outcome ingest(
            Producer producer,
            DocumentMetadata declared,
            String partContentType,
            InputStream content,
            SubmissionSlot slot) {
        return ingest(producer, declared, partContentType, content, slot, Intake.producer(config), () -> {});
    }

    /**
     * @param beforeCommit checks what must hold of the rest of the request once the document's
     *                     bytes are stored and before they are committed (a single upload: nothing
     *                     after its content); a refusal there commits nothing
     */
    public Outcome ingest(
            Producer producer,
            DocumentMetadata declared,
            String partContentType,
            InputStream content,
            SubmissionSlot slot,
            Intake intake,
            Runnable beforeCommit) {
        long started = System.nanoTime();
        UUID id = UUID.randomUUID();
        Span span = tracer.spanBuilder("ingest document").startSpan();
        try (Scope scope = span.makeCurrent();
                var log = DocumentTelemetry.inLogs(id)) {
            Outcome outcome = accept(id, producer, declared, partContentType, content, slot, intake, beforeCommit);
            span.setAttribute(
                    DocumentTelemetry.ATTRIBUTE, outcome.document().id().toString());
            span.setAttribute(OUTCOME, outcome.created() ? UploadMetrics.CREATED : UploadMetrics.DUPLICATE);
            metrics.accepted(outcome.created(), outcome.document().size(), started);
            return outcome;
        } catch (RuntimeException e) {
            String problem = metrics.refusedDocument(e, started);
            span.setAttribute(OUTCOME, UploadMetrics.REJECTED);
            span.setAttribute(PROBLEM, problem);
            span.setStatus(StatusCode.ERROR, problem);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Ingests the document under that id, unless it is a retry of one already accepted, in named
     * steps: check, deduplicate, write the object, commit, announce.
     */
    private Outcome accept(
            UUID id,
            Producer producer,
            DocumentMetadata declared,
            String partContentType,
            InputStream content,
            SubmissionSlot slot,
            Intake intake,
            Runnable beforeCommit) {
        Checked checked = check(declared, partContentType, content, intake);
        try {
            return acceptChecked(id, producer, declared, checked, slot, intake, beforeCommit);
        } finally {
            checked.head().release();
        }
    }

    private Outcome acceptChecked(
            UUID id,
            Producer producer,
            DocumentMetadata declared,
            Checked checked,
            SubmissionSlot slot,
            Intake intake,
            Runnable beforeCommit) {
        Staged staged = stageChecked(id, producer, declared, checked, slot, intake);
        if (staged.known() != null) {
            return staged.known();
        }
        Document document = staged.commit().document();
        try {
            beforeCommit.run();
        } catch (RuntimeException e) {
            discard(document.objectKey());
            throw e;
        }
        Outcome outcome = commit(producer, staged.commit());
        announce();
        return outcome;
    }

    /**
     * Deduplicates, then writes the object: what is left is to commit the document, unless it
     * repeats one already accepted.
     */
    private Staged stageChecked(
            UUID id,
            Producer producer,
            DocumentMetadata declared,
            Checked checked,
            SubmissionSlot slot,
            Intake intake) {
        String key = store.newKey();
        DocumentObjectStore.Upload upload = beginUpload(key, checked, intake);
        // Most documents are new: the lookup of an earlier one and the record of the object about
        // to be written go to PostgreSQL together, one wait instead of two, while the store creates
        // the multipart upload of a larger document.
        Optional<Document> live;
        try {
            live = await.result(Uni.combine()
                    .all()
                    .unis(findLive(producer, checked.metadata()), pendingObjects.record(key))
                    .with((found, recorded) -> found));
        } catch (RuntimeException e) {
            upload.abandon();
            throw e;
        }
        if (checked.head().complete() && live.isPresent()) {
            // Hashed only then: a new document's bytes go to object storage under its declared hash.
            Optional<Outcome> known = judge(live, checked, checked.head().sha256(), () -> forgetRecord(key));
            if (known.isPresent()) {
                return new Staged(null, known.get(), slot);
            }
        }
        StoredObject stored = writeObject(upload, key, checked, intake);
        if (!checked.head().complete()) {
            // Only now is the whole document's hash known. A live document committed since the
            // lookup makes the commit a retry: its unique id is taken.
            Optional<Outcome> known = judge(live, checked, stored.sha256(), () -> discard(key));
            if (known.isPresent()) {
                return new Staged(null, known.get(), slot);
            }
        }
        Document document = checked.metadata()
                .toDocument(
                        id,
                        producer,
                        checked.mediaType(),
                        stored,
                        slot.submissionId(),
                        DocumentRepository.now().truncatedTo(ChronoUnit.MICROS));
        return new Staged(new Commit(document, slot, declared.withheld(), intake.patientAuthored()), null, slot);
    }

    /** What a transaction writes for one new document. */
    private record Commit(Document document, SubmissionSlot slot, boolean withheld, boolean patientAuthored) {}

    /**
     * A document of a set that commits together: checked and stored, waiting for its commit, or
     * the very document it repeats ({@code known}), already committed.
     */
    public record Staged(Commit commit, Outcome known, SubmissionSlot slot) {

        public Document document() {
            return known != null ? known.document() : commit.document();
        }
    }

    /**
     * Checks one document of a set and writes its bytes to object storage, without committing
     * it: {@link #commitAll} commits the set, or {@link #discardAll} forgets it. Until then its
     * object is recorded as pending, so a crash leaves it to the sweeper.
     */
    public Staged stage(
            Producer producer,
            DocumentMetadata declared,
            String partContentType,
            InputStream content,
            SubmissionSlot slot,
            Intake intake) {
        UUID id = UUID.randomUUID();
        try (var log = DocumentTelemetry.inLogs(id)) {
            Checked checked = check(declared, partContentType, content, intake);
            try {
                return stageChecked(id, producer, declared, checked, slot, intake);
            } finally {
                checked.head().release();
            }
        }
    }

    /** The objects of staged documents that will not be committed, deleted. */
    public void discardAll(List<Staged> staged) {
        for (Staged one : staged) {
            if (one.commit() != null) {
                discard(one.commit().document().objectKey());
            }
        }
    }

    /**
     * Commits staged documents in one transaction, with their submission set of
     * {@code submissionId} and its metadata: all of them, or none (then their objects are deleted). Those that
     * repeat an accepted document are recorded in the set as duplicates.
     */
    public List<Outcome> commitAll(
            Producer producer, UUID submissionId, SubmissionSetMetadata set, List<Staged> staged) {
        List<Commit> commits =
                staged.stream().map(Staged::commit).filter(c -> c != null).toList();
        String traceparent = Traceparent.current();
        try {
            await.result(transactions.run(connection -> submissions
                    .recordSet(connection, submissionId, producer.id(), staged.size(), set)
                    .chain(() -> {
                        Uni<Void> done = Uni.createFrom().voidItem();
                        for (int i = 0; i < staged.size(); i++) {
                            Commit commit = staged.get(i).commit();
                            if (commit == null) {
                                continue;
                            }
                            int document = i;
                            // A refusal names the document of the set it is about.
                            done = done.chain(() -> writes(connection, producer, commit, traceparent)
                                    .onFailure(ProblemException.class)
                                    .transform(f -> ((ProblemException) f).with(DOCUMENT, document)));
                        }
                        for (Staged known : staged) {
                            if (known.known() != null) {
                                done = done.chain(
                                        () -> submissions.recordDuplicate(connection, known.slot(), known.document()));
                            }
                        }
                        return done;
                    })));
        } catch (PgException | ProblemException | PendingObjectRepository.ObjectSweptException e) {
            // PostgreSQL answered: the transaction rolled back, nothing of the set was committed.
            discardAll(staged);
            throw commitFailure(
                    e,
                    "The set's unique ids are taken by a concurrent upload, or given twice in it;"
                            + " nothing was kept.");
        } catch (RuntimeException e) {
            // No answer (a timeout, a connection lost after COMMIT was sent): the set may be
            // committed, so its bytes stay; if it is not, their pending records remain and the
            // orphan sweeper removes them after the grace period.
            if (!commits.isEmpty()
                    && committedAnyway(commits.getFirst().document()).isPresent()) {
                return outcomes(staged); // one transaction: the first committed, so did every one
            }
            throw commitFailure(e, null);
        }
        announce();
        return outcomes(staged);
    }

    private static List<Outcome> outcomes(List<Staged> staged) {
        return staged.stream()
                .map(one -> one.known() != null
                        ? one.known()
                        : new Outcome(one.commit().document(), true))
                .toList();
    }

    /** A document that passed every check made before anything is stored, with the metadata it is filed under. */
    private record Checked(DocumentHead head, String mediaType, ResolvedMetadata metadata) {}

    /**
     * Check: reads the head (one part), refuses empty, unaccepted or mislabelled content, reads
     * what the content says and resolves the metadata with what was declared.
     */
    private Checked check(DocumentMetadata declared, String partContentType, InputStream content, Intake intake) {
        DocumentHead head = readHead(content, intake.maxSize());
        try {
            if (head.length() == 0) {
                throw new ProblemException(ProblemType.EMPTY_DOCUMENT, "The document has no bytes.");
            }
            var sniffed =
                    ContentSniffer.sniff(head.bytes().first(), head.bytes().firstLength());
            String mediaType =
                    MediaTypePolicy.essence(declared.mediaType() != null ? declared.mediaType() : partContentType);
            ContentKind kind = MediaTypePolicy.check(mediaType, sniffed);
            if (!intake.accepts(kind)) {
                throw new ProblemException(
                        ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "Documents of this kind (" + mediaType + ") are not accepted here.");
            }
            ContentFacts facts = inspector.inspect(kind, head);
            return new Checked(head, mediaType, ResolvedMetadata.resolve(declared, facts));
        } catch (RuntimeException e) {
            head.release();
            throw e;
        }
    }

    /** The object's upload begun, none of its bytes sent: they may be only once it is recorded as pending. */
    private DocumentObjectStore.Upload beginUpload(String key, Checked checked, Intake intake) {
        try {
            return store.begin(
                    key, checked.head(), checked.mediaType(), checked.metadata().sha256());
        } catch (Exception e) {
            throw storeFailure(e, intake.maxSize());
        }
    }

    /**
     * Write the object, already recorded as pending (so a crash leaves it to the sweeper): a
     * declared hash is checked by object storage for a document that fits in its head, against
     * the one computed on the way for a larger one.
     */
    private StoredObject writeObject(DocumentObjectStore.Upload upload, String key, Checked checked, Intake intake) {
        try {
            return upload.write();
        } catch (DeclaredHashMismatchException e) {
            discard(key);
            throw new ProblemException(
                    ProblemType.HASH_MISMATCH,
                    "The content's sha256 is " + e.actual() + ", not the declared "
                            + checked.metadata().sha256() + ".");
        } catch (Exception e) {
            abandon(key);
            throw storeFailure(e, intake.maxSize());
        }
    }

    /**
     * Commit: the row, its submission outcome, its event and the end of its pending record in one
     * transaction (see {@link #transaction}). A concurrent upload of the same unique id that
     * committed first makes this one its retry.
     */
    private Outcome commit(Producer producer, Commit commit) {
        Document document = commit.document();
        try {
            await.result(transaction(producer, commit));
            return new Outcome(document, true);
        } catch (PgException e) {
            discard(document.objectKey());
            if ("23505".equals(e.getSqlState())) {
                String uniqueId = document.entry().uniqueId();
                return existing(producer, uniqueId, document.replaces(), document.sha256())
                        .orElseThrow(() -> new ProblemException(
                                ProblemType.UNIQUE_ID_CONFLICT,
                                "Another upload of unique id " + uniqueId + " is in progress; retry it."));
            }
            throw commitFailure(e, null);
        } catch (ProblemException | PendingObjectRepository.ObjectSweptException e) {
            discard(document.objectKey());
            throw commitFailure(e, null);
        } catch (RuntimeException e) {
            // No answer from PostgreSQL (a timeout, a connection lost after COMMIT was sent): the
            // document may be committed, so its bytes stay. If it is not, its pending record is
            // still there and the orphan sweeper removes them after the grace period.
            return committedAnyway(document).orElseThrow(() -> (ProblemException) commitFailure(e, null));
        }
    }

    /**
     * What a failed commit is answered with, its objects already deleted when nothing may have
     * been committed.
     *
     * @param conflict the detail of a unique id already taken, when it is not a retry to resolve
     */
    private RuntimeException commitFailure(RuntimeException e, String conflict) {
        if (e instanceof PgException pg) {
            if ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState())) {
                // Concurrent uploads replacing or naming the same documents in another order.
                return ProblemException.retryLater(
                        ProblemType.OVERLOADED,
                        "A concurrent upload touched the same documents; nothing was kept. Retry it.",
                        config.retryAfter());
            }
            return "23505".equals(pg.getSqlState()) && conflict != null
                    ? new ProblemException(ProblemType.UNIQUE_ID_CONFLICT, conflict)
                    : e;
        }
        if (e instanceof ProblemException) {
            // Refused inside the transaction (the patient closed their record): nothing committed.
            return e;
        }
        if (e instanceof PendingObjectRepository.ObjectSweptException) {
            // The sweeper took this upload for abandoned while its bytes were still arriving: they
            // were written after its sweep, and nothing else will ever delete them.
            return ProblemException.retryLater(
                    ProblemType.OVERLOADED,
                    "The upload took so long that its bytes were "
                            + "cleaned up as abandoned; nothing was kept. Retry it.",
                    config.retryAfter());
        }
        return ProblemException.retryLater(
                ProblemType.DEPENDENCY_UNAVAILABLE,
                "The database did not confirm that the document was recorded. Send it again:"
                        + " if it was, the answer is that document.",
                config.retryAfter());
    }

    private Optional<Outcome> committedAnyway(Document document) {
        try {
            return await.result(documents.findById(document.id())).map(committed -> new Outcome(committed, true));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Announce: the event is already committed in the outbox; the relay sends it now rather than at its next tick. */
    private void announce() {
        relay.wakeUp();
    }

    private DocumentHead readHead(InputStream content, long maxSize) {
        try {
            return DocumentHead.read(content, buffers, maxSize);
        } catch (SizeLimitExceededException e) {
            throw tooLarge(maxSize);
        } catch (IOException e) {
            throw unreadBody(e);
        }
    }

    private static ProblemException unreadBody(Throwable e) {
        return new ProblemException(
                ProblemType.MALFORMED_REQUEST, "The request body could not be read to its end: " + e.getMessage());
    }

    private static ProblemException tooLarge(long maxSize) {
        return new ProblemException(
                ProblemType.DOCUMENT_TOO_LARGE, "A document may have at most " + maxSize + " bytes.");
    }

    private RuntimeException storeFailure(Exception e, long maxSize) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SizeLimitExceededException) {
                return tooLarge(maxSize);
            }
            if (t instanceof MalformedMultipartException m) {
                return m;
            }
            if (t instanceof HttpClosedException) {
                // The client went away in the middle of its body: nothing is wrong with the store,
                // and no one is left to answer.
                LOG.debugf(
                        "An upload's client closed its connection while its body was stored: %s", LogSafe.describe(e));
                return unreadBody(t);
            }
        }
        LOG.warnf("Object storage refused a document: %s", LogSafe.describe(e));
        return ProblemException.retryLater(
                ProblemType.DEPENDENCY_UNAVAILABLE,
                "The document could not be written to object storage; nothing was kept. Retry later.",
                config.retryAfter());
    }

    /**
     * The same bytes are a retry (200 with the original), other bytes a conflict unless they
     * replace it.
     */
    private Optional<Outcome> existing(Producer producer, String uniqueId, UUID replaces, String sha256) {
        return judge(await.result(documents.findLive(producer.id(), uniqueId)), uniqueId, replaces, sha256);
    }

    private Uni<Optional<Document>> findLive(Producer producer, ResolvedMetadata metadata) {
        return documents.findLive(producer.id(), metadata.entry().uniqueId());
    }

    /**
     * {@link #judge(Optional, String, UUID, String)} for a checked document, whose object is not
     * to be kept when it repeats the live one or is refused: {@code forget} lets it go.
     */
    private static Optional<Outcome> judge(Optional<Document> live, Checked checked, String sha256, Runnable forget) {
        Optional<Outcome> known;
        try {
            known = judge(
                    live,
                    checked.metadata().entry().uniqueId(),
                    checked.metadata().replaces(),
                    sha256);
        } catch (RuntimeException e) {
            forget.run();
            throw e;
        }
        if (known.isPresent()) {
            forget.run();
        }
        return known;
    }

    /** What the live document under the same unique id, if any, makes of a new one with these bytes. */
    private static Optional<Outcome> judge(Optional<Document> live, String uniqueId, UUID replaces, String sha256) {
        if (live.isEmpty()) {
            return Optional.empty();
        }
        Document found = live.get();
        if (found.status() == DocumentStatus.DELETED) {
            // IHE XDS never reuses a unique id; answering the deleted document as accepted (200)
            // would tell the producer's software its new sending succeeded.
            throw new ProblemException(
                            ProblemType.UNIQUE_ID_CONFLICT,
                            "Unique id " + uniqueId + " named document " + found.id()
                                    + ", which you deleted; a unique id is never used again. Send the"
                                    + " document under a new unique id.")
                    .with("deletedDocument", found.id().toString());
        }
        if (found.sha256().equalsIgnoreCase(sha256)) {
            return Optional.of(new Outcome(found, false));
        }
        if (found.id().equals(replaces)) {
            return Optional.empty();
        }
        throw new ProblemException(
                ProblemType.UNIQUE_ID_CONFLICT,
                "Unique id " + uniqueId
                        + " already names document " + found.id()
                        + " with other content. To publish a new version, send it with"
                        + " \"replaces\": \"" + found.id() + "\".");
    }

    private Uni<Void> transaction(Producer producer, Commit commit) {
        // Taken here, on the request's thread: the worker that indexes the document continues this trace.
        String traceparent = Traceparent.current();
        if (commit.document().replaces() == null) {
            // Most uploads: the whole transaction in one round trip.
            return transactions
                    .runTogether(connection -> statements(connection, producer, commit, traceparent))
                    .onFailure(CompositeException.class)
                    .transform(failure -> firstCause((CompositeException) failure));
        }
        return transactions.run(connection -> writes(connection, producer, commit, traceparent));
    }

    /** One document's writes in its transaction: the replaced one first, then all the rest pipelined. */
    private Uni<Void> writes(SqlConnection connection, Producer producer, Commit commit, String traceparent) {
        Document document = commit.document();
        Uni<Void> superseded = document.replaces() == null
                ? Uni.createFrom().voidItem()
                : documents
                        .lock(connection, document.replaces())
                        .invoke(previous -> ReplacementRule.check(producer.id(), previous, document))
                        .chain(previous -> documents.supersede(connection, document.replaces(), document.id()))
                        .replaceWithVoid();
        return superseded.chain(() -> Uni.join()
                .all(statements(connection, producer, commit, traceparent))
                .andCollectFailures()
                .onFailure(CompositeException.class)
                .transform(failure -> firstCause((CompositeException) failure))
                .replaceWithVoid());
    }

    /**
     * The statements that write a new document, each sent when subscribed without waiting for the
     * answers before it: the connection pipelines them and PostgreSQL runs them in this order. Each
     * fails only when its statement does (see {@link Transactions#runTogether}).
     */
    private List<Uni<Void>> statements(SqlConnection connection, Producer producer, Commit commit, String traceparent) {
        Document document = commit.document();
        List<Uni<Void>> writes = new ArrayList<>();
        writes.add(erasures.admitDocument(connection, document.patient()));
        writes.add(documents.insert(connection, document));
        // The DMP's labels give the visibility the producer or the patient could also set.
        boolean withheld = commit.withheld() || VisibilityLabel.INVISIBLE_PATIENT.on(document.entry());
        boolean hidden = VisibilityLabel.MASQUE_PS.on(document.entry());
        if (withheld || commit.patientAuthored() || hidden) {
            writes.add(documents.setFlags(connection, document.id(), withheld, commit.patientAuthored(), hidden));
        }
        writes.add(submissions.recordCreated(connection, commit.slot(), document));
        writes.add(outbox.append(
                connection, storedTopic, PatientKey.of(document.patient()), DocumentStored.of(document), traceparent));
        writes.add(pendingObjects.forget(connection, document.objectKey()));
        return writes;
    }

    /**
     * The failure of the first statement that failed: those after it in the transaction only say
     * that it is aborted (SQLSTATE 25P02), and the first may be a unique id already taken (23505).
     */
    private static Throwable firstCause(CompositeException failures) {
        for (Throwable cause : failures.getCauses()) {
            if (!(cause instanceof PgException pg) || !"25P02".equals(pg.getSqlState())) {
                return cause;
            }
        }
        return failures.getCauses().getFirst();
    }

    // Best effort: what is not deleted now stays recorded as pending and the sweeper deletes it.
    /**
     * A write that failed may still complete on the storage side (a server that hung and resumes
     * finishes the request after its client gave up, possibly after a delete sent meanwhile): the
     * object is deleted now, and its pending record stays so that the sweeper deletes it again
     * once the grace period is over.
     */
    private void abandon(String key) {
        try {
            await.result(store.delete(key));
        } catch (Exception e) {
            LOG.debugf("Could not delete object %s yet; the orphan sweeper will: %s", key, LogSafe.describe(e));
        }
    }

    /** The pending record of an object never written; what stays is the sweeper's. */
    private void forgetRecord(String key) {
        try {
            await.result(pendingObjects.forget(key));
        } catch (Exception e) {
            LOG.debugf("Could not forget pending object %s yet; the orphan sweeper will: %s", key, LogSafe.describe(e));
        }
    }

    private void discard(String key) {
        try {
            await.result(store.delete(key));
            await.result(pendingObjects.forget(key));
        } catch (Exception e) {
            LOG.warnf("Could not delete object %s yet; the orphan sweeper will: %s", key, LogSafe.describe(e));
        }
    }
}
