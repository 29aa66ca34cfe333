package fr.coffre.ingest;

import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentRepository;
import fr.coffre.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Submission sets and the outcome of each document in them. */
@ApplicationScoped
public class SubmissionRepository {

    public enum State {
        RECEIVING,
        COMPLETE,
        INCOMPLETE
    }

    public enum Outcome {
        created,
        duplicate,
        rejected
    }

    private final Pool pool;
    private final DocumentRepository documents;

    public SubmissionRepository(Pool pool, DocumentRepository documents) {
        this.pool = pool;
        this.documents = documents;
    }

    public Uni<Void> open(UUID id, String producerId, int expectedCount) {
        return pool.preparedQuery(
                        "INSERT INTO submission (id, producer_id, state, expected_count) VALUES ($1, $2, 'RECEIVING', $3)")
                .execute(Tuple.of(id, producerId, expectedCount))
                .replaceWithVoid();
    }

    /** In the document's own transaction: a single upload's set is created with its only document. */
    public Uni<Void> recordCreated(SqlConnection connection, SubmissionSlot slot, Document document) {
        // Sent together: PostgreSQL runs them in this order, the set before the entry that refers to it.
        return Uni.join()
                .all(
                        connection
                                .preparedQuery(
                                        "INSERT INTO submission (id, producer_id, state, expected_count, "
                                                + "completed_at) VALUES ($1, $2, 'COMPLETE', 1, now()) ON CONFLICT (id) DO NOTHING")
                                .execute(Tuple.of(slot.submissionId(), document.producerId()))
                                .replaceWithVoid(),
                        insertEntry(
                                connection, slot, document.entry().uniqueId(), Outcome.created, document.id(), null))
                .andFailFast()
                .replaceWithVoid();
    }

    /** In the transaction of a set whose documents commit together: the set, complete, with its metadata. */
    public Uni<Void> recordSet(
            SqlClient client, UUID id, String producerId, int count, SubmissionSetMetadata metadata) {
        return client.preparedQuery("INSERT INTO submission (id, producer_id, state, expected_count, completed_at, "
                        + "unique_id, source_id, content_type_code, intended_recipients, title) "
                        + "VALUES ($1, $2, 'COMPLETE', $3, now(), $4, $5, $6, $7, $8)")
                .execute(Tuple.from(new Object[] {
                    id,
                    producerId,
                    count,
                    metadata.uniqueId(),
                    metadata.sourceId(),
                    metadata.contentTypeCode() == null ? null : JsonObject.mapFrom(metadata.contentTypeCode()),
                    metadata.intendedRecipients() == null ? null : new JsonArray(metadata.intendedRecipients()),
                    metadata.title()
                }))
                .replaceWithVoid();
    }

    public Uni<Void> recordDuplicate(SubmissionSlot slot, Document original) {
        return recordDuplicate(pool, slot, original);
    }

    public Uni<Void> recordDuplicate(SqlClient client, SubmissionSlot slot, Document original) {
        return insertEntry(client, slot, original.entry().uniqueId(), Outcome.duplicate, original.id(), null);
    }

    public Uni<Void> recordRejected(SubmissionSlot slot, String uniqueId, Problem problem) {
        return insertEntry(pool, slot, uniqueId, Outcome.rejected, null, JsonObject.mapFrom(problem));
    }

    private static Uni<Void> insertEntry(
            SqlClient client,
            SubmissionSlot slot,
            String uniqueId,
            Outcome outcome,
            UUID documentId,
            JsonObject problem) {
        return client.preparedQuery("INSERT INTO submission_entry (submission_id, ordinal, part, unique_id, outcome, "
                        + "document_id, problem) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(new Object[] {
                    slot.submissionId(), slot.ordinal(), slot.part(), uniqueId, outcome.name(), documentId, problem
                }))
                .replaceWithVoid();
    }

    public Uni<Void> close(UUID id, State state) {
        return pool.preparedQuery("UPDATE submission SET state = $2, completed_at = now() WHERE id = $1")
                .execute(Tuple.of(id, state.name()))
                .replaceWithVoid();
    }

    /** The set with every entry and the current state of its documents, if this producer sent it. */
    public Uni<Optional<SubmissionView>> find(UUID id, String producerId) {
        return pool.preparedQuery("SELECT " + SET_COLUMNS + " FROM submission WHERE id = $1 AND producer_id = $2")
                .execute(Tuple.of(id, producerId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<SubmissionView>empty());
                    }
                    Row set = rows.iterator().next();
                    return entries(id)
                            .map(entries -> Optional.of(view(set, SubmissionView.Counts.of(entries), entries)));
                });
    }

    /**
     * A producer's sets, newest first, without their entries: {@code limit} of them received
     * before the set {@code before} (the last of the previous page), or the newest.
     */
    public Uni<List<SubmissionView>> list(String producerId, UUID before, int limit) {
        String after = before == null
                ? ""
                : " AND (s.received_at, s.id) < (SELECT received_at, id FROM submission WHERE id = $3 AND producer_id = $1)";
        Tuple params = Tuple.of(producerId, limit);
        if (before != null) {
            params.addValue(before);
        }
        return pool.preparedQuery("SELECT s." + SET_COLUMNS.replace(", ", ", s.")
                        + ", c.created, c.duplicate, c.rejected"
                        + " FROM submission s CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE e.outcome = 'created')"
                        + " AS created, count(*) FILTER (WHERE e.outcome = 'duplicate') AS duplicate, count(*) FILTER"
                        + " (WHERE e.outcome = 'rejected') AS rejected FROM submission_entry e WHERE e.submission_id = s.id) c"
                        + " WHERE s.producer_id = $1" + after + " ORDER BY s.received_at DESC, s.id DESC LIMIT $2")
                .execute(params)
                .map(rows -> {
                    List<SubmissionView> sets = new ArrayList<>();
                    for (Row row : rows) {
                        sets.add(view(
                                row,
                                new SubmissionView.Counts(
                                        row.getLong("created").intValue(),
                                        row.getLong("duplicate").intValue(),
                                        row.getLong("rejected").intValue()),
                                null));
                    }
                    return sets;
                });
    }

    private static final String SET_COLUMNS = "id, state, expected_count, received_at, completed_at, unique_id, "
            + "source_id, content_type_code, intended_recipients, title";

    private static SubmissionView view(Row set, SubmissionView.Counts counts, List<SubmissionView.Entry> entries) {
        JsonObject contentType = (JsonObject) set.getValue("content_type_code");
        JsonArray recipients = (JsonArray) set.getValue("intended_recipients");
        return new SubmissionView(
                set.getUUID("id"),
                State.valueOf(set.getString("state")),
                set.getInteger("expected_count"),
                set.getOffsetDateTime("received_at"),
                set.getOffsetDateTime("completed_at"),
                new SubmissionSetMetadata(
                        set.getString("unique_id"),
                        set.getString("source_id"),
                        contentType == null ? null : contentType.mapTo(Code.class),
                        recipients == null
                                ? null
                                : recipients.stream().map(String::valueOf).toList(),
                        set.getString("title")),
                counts,
                entries);
    }

    private Uni<List<SubmissionView.Entry>> entries(UUID id) {
        return pool.preparedQuery("SELECT e.ordinal, e.part, e.unique_id, e.outcome, e.problem, d."
                        + DocumentRepository.COLUMNS.replace(", ", ", d.")
                        + " FROM submission_entry e LEFT JOIN document d ON d.id = e.document_id "
                        + "WHERE e.submission_id = $1 ORDER BY e.ordinal")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<SubmissionView.Entry> entries = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        JsonObject problem = (JsonObject) row.getValue("problem");
                        Optional<Document> document =
                                row.getUUID("id") == null ? Optional.empty() : Optional.of(DocumentRepository.map(row));
                        entries.add(new SubmissionView.Entry(
                                row.getString("part"),
                                row.getString("unique_id"),
                                Outcome.valueOf(row.getString("outcome")),
                                document.map(DocumentView::of).orElse(null),
                                problem == null ? null : problem.getMap()));
                    }
                    return entries;
                });
    }

    /** Erasure: the outcomes that name these documents (a rejected entry names none and stays with its set). */
    public Uni<Void> eraseEntriesOf(SqlConnection connection, List<UUID> documentIds) {
        return connection
                .preparedQuery("DELETE FROM submission_entry WHERE document_id = ANY($1)")
                .execute(Tuple.of(documentIds.toArray(UUID[]::new)))
                .replaceWithVoid();
    }
}
