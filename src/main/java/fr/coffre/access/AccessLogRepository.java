package fr.coffre.access;

import fr.coffre.document.Identifier;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Who read, changed or deleted which of a patient's documents, when, and how. */
@ApplicationScoped
public class AccessLogRepository {

    /**
     * @param mode how a professional's read was allowed ({@link ProfessionalAccessPolicy.Mode}); null
     *             for a producer
     */
    public record Entry(
            Identifier patient,
            UUID documentId,
            Reader reader,
            String action,
            boolean emergency,
            String reason,
            String mode) {

        public Entry(
                Identifier patient, UUID documentId, Reader reader, String action, boolean emergency, String reason) {
            this(patient, documentId, reader, action, emergency, reason, null);
        }
    }

    /** As the patient sees it. */
    public record View(
            long id,
            UUID documentId,
            String accessorKind,
            String accessorId,
            String organisation,
            String role,
            String action,
            boolean emergency,
            String reason,
            String mode,
            OffsetDateTime at) {}

    private final Pool pool;

    public AccessLogRepository(Pool pool) {
        this.pool = pool;
    }

    /** Committed before the caller sends anything of the documents. */
    public Uni<Void> record(List<Entry> entries) {
        return record(pool, entries);
    }

    /** In the caller's transaction: the change and its record commit together. */
    public Uni<Void> record(SqlClient client, List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            rows.add(Tuple.from(new Object[] {
                e.patient().system(),
                e.patient().value(),
                e.documentId(),
                e.reader().kind(),
                e.reader().id(),
                e.reader().organisation(),
                e.reader().role(),
                e.action(),
                e.emergency(),
                e.reason(),
                e.mode()
            }));
        }
        return client.preparedQuery(
                        "INSERT INTO access_log (patient_system, patient_id, document_id, accessor_kind, accessor_id, "
                                + "organisation, role, action, emergency, reason, access_mode) "
                                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .executeBatch(rows)
                .replaceWithVoid();
    }

    /** Newest first; {@code before} is the id of the last entry of the previous page. */
    public Uni<List<View>> forPatient(Identifier patient, Long before, int limit) {
        String query = "patientSystem = ?1 and patientId = ?2" + (before == null ? "" : " and id < ?3");
        Object[] parameters = before == null
                ? new Object[] {patient.system(), patient.value()}
                : new Object[] {patient.system(), patient.value(), before};
        return Panache.withSession(() -> AccessLogEntry.<AccessLogEntry>find(query, Sort.descending("id"), parameters)
                        .page(0, limit)
                        .list())
                .map(entries -> entries.stream()
                        .map(e -> new View(
                                e.id,
                                e.documentId,
                                e.accessorKind,
                                e.accessorId,
                                e.organisation,
                                e.role,
                                e.action,
                                e.emergency,
                                e.reason,
                                e.accessMode,
                                e.accessedAt))
                        .toList());
    }

    /**
     * How many other patients than this one a professional read since then, and whether they read
     * this one since then too.
     */
    public record RecentPatients(long others, boolean includesThisOne) {}

    public Uni<RecentPatients> recentPatients(
            String rpps, OffsetDateTime since, String patientId, List<String> systems) {
        return pool.preparedQuery(
                        "SELECT count(DISTINCT (patient_system, patient_id)) FILTER (WHERE NOT "
                                + "(patient_id = $3 AND patient_system = ANY($4))), bool_or(patient_id = $3 AND patient_system = ANY($4)) "
                                + "FROM access_log WHERE accessor_kind = 'professional' AND accessor_id = $1 AND accessed_at >= $2")
                .execute(Tuple.of(rpps, since, patientId, systems.toArray(String[]::new)))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return new RecentPatients(row.getLong(0), Boolean.TRUE.equals(row.getBoolean(1)));
                });
    }

    /** Erasure: the patient's whole log, in the erasure's transaction. */
    public Uni<Void> erase(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("DELETE FROM access_log WHERE patient_system = $1 AND patient_id = $2")
                .execute(Tuple.of(patient.system(), patient.value()))
                .replaceWithVoid();
    }
}
