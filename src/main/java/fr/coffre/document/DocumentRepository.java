package fr.coffre.document;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class DocumentRepository {

    public static final String COLUMNS = "id, producer_id, unique_id, patient_id, patient_system, type_code, type_code_system, "
            + "type_display, class_code, title, creation_time, service_start_time, service_stop_time, confidentiality, "
            + "media_type, author, sha256, size_bytes, object_key, submission_id, replaces, status, status_reason, received_at";

    private final Pool pool;

    public DocumentRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<Document>> findById(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM document WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    /** The live (not superseded) document a producer filed under a unique id. */
    public Uni<Optional<Document>> findLive(String producerId, String uniqueId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM document "
                        + "WHERE producer_id = $1 AND unique_id = $2 AND status <> 'SUPERSEDED'")
                .execute(Tuple.of(producerId, uniqueId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<Long> countAwaitingIndexing() {
        return pool.query("SELECT count(*) FROM document WHERE status = 'STORED'").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** How many documents are in each status (statuses with none are left out). Scans the table. */
    public Uni<Map<DocumentStatus, Long>> countByStatus() {
        return pool.query("SELECT status, count(*) FROM document GROUP BY status").execute()
                .map(rows -> {
                    Map<DocumentStatus, Long> counts = new EnumMap<>(DocumentStatus.class);
                    rows.forEach(row -> counts.put(DocumentStatus.valueOf(row.getString(0)), row.getLong(1)));
                    return counts;
                });
    }

    public Uni<Void> insert(SqlConnection connection, Document d) {
        Object[] values = {
            d.id(), d.producerId(), d.uniqueId(), d.patient().value(), d.patient().system(),
            d.typeCode().code(), d.typeCode().system(), d.typeCode().display(), d.classCode(), d.title(),
            d.creationTime(), d.serviceStartTime(), d.serviceStopTime(), d.confidentiality(), d.mediaType(),
            d.author() == null ? null : JsonObject.mapFrom(d.author()), d.sha256(), d.size(), d.objectKey(),
            d.submissionId(), d.replaces(), d.status().name(), d.statusReason(), d.receivedAt()
        };
        return connection.preparedQuery("INSERT INTO document (" + COLUMNS + ") VALUES ("
                        + "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
                        + "$21, $22, $23, $24)")
                .execute(Tuple.from(values))
                .replaceWithVoid();
    }

    /** Visibility flags set at acceptance, in the document's own transaction. */
    public Uni<Void> setFlags(SqlConnection connection, UUID id, boolean withheldFromPatient, boolean patientAuthored) {
        return connection.preparedQuery("UPDATE document SET withheld_from_patient = $2, patient_authored = $3 WHERE id = $1")
                .execute(Tuple.of(id, withheldFromPatient, patientAuthored))
                .replaceWithVoid();
    }

    /** Locks a document for the rest of the transaction. */
    public Uni<Optional<Document>> lock(SqlConnection connection, UUID id) {
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM document WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<Void> setStatus(SqlConnection connection, UUID id, DocumentStatus status, String reason) {
        return connection.preparedQuery("UPDATE document SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(id, status.name(), reason))
                .replaceWithVoid();
    }

    public static Document map(Row row) {
        JsonObject author = (JsonObject) row.getValue("author");
        return new Document(
                row.getUUID("id"),
                row.getString("producer_id"),
                row.getString("unique_id"),
                new Identifier(row.getString("patient_system"), row.getString("patient_id")),
                new Code(row.getString("type_code"), row.getString("type_code_system"), row.getString("type_display")),
                row.getString("class_code"),
                row.getString("title"),
                row.getOffsetDateTime("creation_time"),
                row.getOffsetDateTime("service_start_time"),
                row.getOffsetDateTime("service_stop_time"),
                row.getString("confidentiality"),
                row.getString("media_type"),
                author == null ? null : author.mapTo(Author.class),
                row.getString("sha256"),
                row.getLong("size_bytes"),
                row.getString("object_key"),
                row.getUUID("submission_id"),
                row.getUUID("replaces"),
                DocumentStatus.valueOf(row.getString("status")),
                row.getString("status_reason"),
                row.getOffsetDateTime("received_at"));
    }

    public static OffsetDateTime now() {
        return OffsetDateTime.now(java.time.ZoneOffset.UTC);
    }
}
