package fr.coffre.document;

import fr.coffre.database.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code document} table's one owner: its only column list and mapper, its reads by id, and
 * every change to it, each status transition guarded by the status it leaves. Other packages call
 * it; none writes the table themselves.
 */
@ApplicationScoped
public class DocumentRepository {

    public static final String COLUMNS =
            "id, producer_id, unique_id, patient_id, patient_system, type_code, type_code_system, "
                    + "type_display, class_code, title, creation_time, service_start_time, service_stop_time, confidentiality, "
                    + "media_type, author, sha256, size_bytes, object_key, submission_id, replaces, status, status_reason, received_at, "
                    + "class_code_system, format_code, practice_setting_code, facility_type_code, event_codes, authors, "
                    + "language_code, legal_authenticator, reference_ids, set_id, version_number, confidentiality_codes";

    private final Pool pool;
    private final Transactions transactions;

    public DocumentRepository(Pool pool, Transactions transactions) {
        this.pool = pool;
        this.transactions = transactions;
    }

    public Uni<Optional<Document>> findById(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM document WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(map(rows.iterator().next())));
    }

    /**
     * Documents STORED for longer than {@code staleAfter} and not announced again within it, oldest
     * first, locked (SKIP LOCKED) and marked as announced again now, in the caller's transaction.
     */
    public Uni<List<Document>> claimStale(SqlConnection connection, Duration staleAfter, int limit) {
        return connection
                .preparedQuery("UPDATE document SET announced_again_at = now() WHERE id IN ("
                        + "SELECT id FROM document WHERE status = 'STORED' "
                        + "AND received_at < now() - $1 * interval '1 millisecond' "
                        + "AND (announced_again_at IS NULL OR announced_again_at < now() - $1 * interval '1 millisecond') "
                        + "ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS)
                .execute(Tuple.of(staleAfter.toMillis(), limit))
                .map(rows -> {
                    List<Document> stale = new ArrayList<>();
                    rows.forEach(row -> stale.add(map(row)));
                    return stale;
                });
    }

    /** The live (not superseded) document a producer filed under a unique id. */
    public Uni<Optional<Document>> findLive(String producerId, String uniqueId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM document "
                        + "WHERE producer_id = $1 AND unique_id = $2 AND status <> 'SUPERSEDED'")
                .execute(Tuple.of(producerId, uniqueId))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(map(rows.iterator().next())));
    }

    public Uni<Long> countAwaitingIndexing() {
        return pool.query("SELECT count(*) FROM document WHERE status = 'STORED'")
                .execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * How many documents are in each status (statuses with none may be left out), from the totals
     * and the changes the table's triggers append (V13): the same cost at any table size. The
     * changes committed so far are folded into the totals first, by one instance at a time (the
     * others skip it), so that they stay few.
     */
    public Uni<Map<DocumentStatus, Long>> countByStatus() {
        return transactions.run(connection -> connection
                .query("WITH moved AS (DELETE FROM document_count_change"
                        + " WHERE pg_try_advisory_xact_lock(hashtextextended('document_count_total', 0))"
                        + " RETURNING status, delta)"
                        + " INSERT INTO document_count_total AS total (status, documents)"
                        + " SELECT status, sum(delta) FROM moved GROUP BY status"
                        + " ON CONFLICT (status) DO UPDATE SET documents = total.documents + excluded.documents")
                .execute()
                .chain(() -> connection
                        .query(
                                "SELECT status, sum(n)::bigint FROM (SELECT status, documents AS n FROM document_count_total"
                                        + " UNION ALL SELECT status, delta FROM document_count_change) AS counted GROUP BY status")
                        .execute())
                .map(rows -> {
                    Map<DocumentStatus, Long> counts = new EnumMap<>(DocumentStatus.class);
                    rows.forEach(row -> counts.put(DocumentStatus.valueOf(row.getString(0)), row.getLong(1)));
                    return counts;
                }));
    }

    public Uni<Void> insert(SqlConnection connection, Document d) {
        DocumentEntry e = d.entry();
        Object[] values = {
            d.id(),
            d.producerId(),
            e.uniqueId(),
            e.patient().value(),
            e.patient().system(),
            e.typeCode().code(),
            e.typeCode().system(),
            e.typeCode().display(),
            e.classCode(),
            e.title(),
            e.creationTime(),
            e.serviceStartTime(),
            e.serviceStopTime(),
            e.confidentiality(),
            d.mediaType(),
            e.author() == null ? null : JsonObject.mapFrom(e.author()),
            d.sha256(),
            d.size(),
            d.objectKey(),
            d.submissionId(),
            d.replaces(),
            d.status().name(),
            d.statusReason(),
            d.receivedAt(),
            e.classCodeSystem(),
            json(e.formatCode()),
            json(e.practiceSettingCode()),
            json(e.healthcareFacilityTypeCode()),
            json(e.eventCodes()),
            json(e.authors()),
            e.languageCode(),
            json(e.legalAuthenticator()),
            json(e.referenceIds()),
            e.setId(),
            e.version(),
            json(e.confidentialityCodes())
        };
        return connection
                .preparedQuery("INSERT INTO document (" + COLUMNS + ") VALUES ("
                        + "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
                        + "$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)")
                .execute(Tuple.from(values))
                .replaceWithVoid();
    }

    /** Visibility flags set at acceptance, in the document's own transaction. */
    public Uni<Void> setFlags(
            SqlConnection connection,
            UUID id,
            boolean withheldFromPatient,
            boolean patientAuthored,
            boolean hiddenFromProfessionals) {
        return connection
                .preparedQuery("UPDATE document SET withheld_from_patient = $2, patient_authored = $3, "
                        + "hidden_from_professionals = $4 WHERE id = $1")
                .execute(Tuple.of(id, withheldFromPatient, patientAuthored, hiddenFromProfessionals))
                .replaceWithVoid();
    }

    /** Locks a document for the rest of the transaction. */
    public Uni<Optional<Document>> lock(SqlConnection connection, UUID id) {
        return connection
                .preparedQuery("SELECT " + COLUMNS + " FROM document WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(map(rows.iterator().next())));
    }

    // --- status transitions: each guarded by the status it leaves, false when the document was elsewhere ---

    /** STORED to INDEXED, QUARANTINED or FAILED: a worker concludes. Only once, whoever comes second. */
    public Uni<Boolean> conclude(SqlConnection connection, UUID id, DocumentStatus status, String reason) {
        if (status != DocumentStatus.INDEXED
                && status != DocumentStatus.QUARANTINED
                && status != DocumentStatus.FAILED) {
            throw new IllegalArgumentException("a worker does not conclude a document as " + status);
        }
        return transition(connection, id, status, reason, "status = 'STORED'");
    }

    /** FAILED back to STORED: a replayed dead letter. */
    public Uni<Boolean> requeue(SqlConnection connection, UUID id) {
        return transition(connection, id, DocumentStatus.STORED, "replayed", "status = 'FAILED'");
    }

    /** A live version (neither superseded nor deleted) to SUPERSEDED, by the document that replaces it. */
    public Uni<Boolean> supersede(SqlConnection connection, UUID id, UUID by) {
        return transition(
                connection,
                id,
                DocumentStatus.SUPERSEDED,
                "replaced by " + by,
                "status NOT IN ('SUPERSEDED', 'DELETED')");
    }

    /** Any status but DELETED to DELETED: its producer deleted it; the row stays as a record. */
    public Uni<Boolean> markDeleted(SqlConnection connection, UUID id) {
        return transition(connection, id, DocumentStatus.DELETED, "deleted by its producer", "status <> 'DELETED'");
    }

    private static Uni<Boolean> transition(
            SqlConnection connection, UUID id, DocumentStatus to, String reason, String from) {
        return connection
                .preparedQuery("UPDATE document SET status = $2, status_reason = $3, updated_at = now() "
                        + "WHERE id = $1 AND " + from)
                .execute(Tuple.of(id, to.name(), reason))
                .map(rows -> rows.rowCount() == 1);
    }

    // --- visibility ---

    /** The producer keeps it from the patient (true) or releases it (false). */
    public Uni<Void> withhold(SqlConnection connection, UUID id, boolean withheld) {
        return connection
                .preparedQuery("UPDATE document SET withheld_from_patient = $2, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, withheld))
                .replaceWithVoid();
    }

    /**
     * The patient hides an indexed document of theirs from professionals, or shows it again; false
     * when the patient has no such document to show or hide (another's, withheld, not indexed).
     */
    public Uni<Boolean> hideFromProfessionals(UUID id, Identifier patient, boolean hidden) {
        return pool.preparedQuery(
                        "UPDATE document SET hidden_from_professionals = $4, updated_at = now() WHERE id = $1 "
                                + "AND patient_system = $2 AND patient_id = $3 AND status = 'INDEXED' AND NOT withheld_from_patient")
                .execute(Tuple.of(id, patient.system(), patient.value(), hidden))
                .map(rows -> rows.rowCount() == 1);
    }

    // --- erasure ---

    /** A patient's documents as an erasure finds them: their ids and their objects' keys. */
    public record PatientDocuments(List<UUID> ids, List<String> objectKeys) {}

    /** Locks a patient's every document for the erasure's transaction, so that none changes meanwhile. */
    public Uni<PatientDocuments> lockAllOf(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("SELECT id, object_key FROM document WHERE patient_system = $1 AND patient_id = $2 "
                        + "FOR UPDATE")
                .execute(Tuple.of(patient.system(), patient.value()))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    List<String> keys = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getUUID("id"));
                        keys.add(row.getString("object_key"));
                    }
                    return new PatientDocuments(ids, keys);
                });
    }

    /** Deletes these rows; their index entries go with them (ON DELETE CASCADE). */
    public Uni<Void> erase(SqlConnection connection, List<UUID> ids) {
        return connection
                .preparedQuery("DELETE FROM document WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .replaceWithVoid();
    }

    public static Document map(Row row) {
        DocumentEntry entry = new DocumentEntry(
                row.getString("unique_id"),
                new Identifier(row.getString("patient_system"), row.getString("patient_id")),
                new Code(row.getString("type_code"), row.getString("type_code_system"), row.getString("type_display")),
                row.getString("class_code"),
                row.getString("title"),
                row.getOffsetDateTime("creation_time"),
                row.getOffsetDateTime("service_start_time"),
                row.getOffsetDateTime("service_stop_time"),
                row.getString("confidentiality"),
                object(row, "author", Author.class),
                row.getString("class_code_system"),
                object(row, "format_code", Code.class),
                object(row, "practice_setting_code", Code.class),
                object(row, "facility_type_code", Code.class),
                list(row, "event_codes", Code.class),
                list(row, "authors", Author.class),
                row.getString("language_code"),
                object(row, "legal_authenticator", Author.class),
                list(row, "reference_ids", String.class),
                row.getString("set_id"),
                row.getInteger("version_number"),
                list(row, "confidentiality_codes", Code.class));
        return new Document(
                row.getUUID("id"),
                row.getString("producer_id"),
                entry,
                row.getString("media_type"),
                row.getString("sha256"),
                row.getLong("size_bytes"),
                row.getString("object_key"),
                row.getUUID("submission_id"),
                row.getUUID("replaces"),
                DocumentStatus.valueOf(row.getString("status")),
                row.getString("status_reason"),
                row.getOffsetDateTime("received_at"));
    }

    private static Object json(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof List<?> list
                ? new JsonArray(list.stream().map(DocumentRepository::tree).toList())
                : JsonObject.mapFrom(value);
    }

    private static Object tree(Object value) {
        return value instanceof String ? value : JsonObject.mapFrom(value);
    }

    private static <T> T object(Row row, String column, Class<T> type) {
        JsonObject value = (JsonObject) row.getValue(column);
        return value == null ? null : value.mapTo(type);
    }

    private static <T> List<T> list(Row row, String column, Class<T> type) {
        JsonArray values = (JsonArray) row.getValue(column);
        if (values == null) {
            return null;
        }
        List<T> list = new ArrayList<>(values.size());
        for (Object value : values) {
            list.add(value instanceof JsonObject object ? object.mapTo(type) : type.cast(value));
        }
        return list;
    }

    public static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
