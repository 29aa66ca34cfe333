package fr.coffre.document;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code erasure} table's owner: the proofs of a patient's erasures, and whether their record
 * is closed. Also the lock through which a patient's erasure and the commits of their new
 * documents exclude each other, so that no document committed during an erasure survives it.
 */
@ApplicationScoped
public class ErasureRepository {

    /** An erasure as the patient can see it afterwards: when, how many documents, reopened since. */
    public record Erasure(Instant erasedAt, int erasedDocuments, Instant reopenedAt) {}

    private static final String LOCK_KEY = "hashtextextended($1, 0)";

    private final Pool pool;

    public ErasureRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * In a document's commit transaction, before its row: waits for an erasure of the patient under
     * way, then fails with {@code record-closed} if their record is closed. Two statements, sent
     * with the commit's others: the check's snapshot is taken once the lock is held.
     */
    public Uni<Void> admitDocument(SqlConnection connection, Identifier patient) {
        String key = PatientKey.of(patient);
        Uni<Void> lock = connection
                .preparedQuery("SELECT pg_advisory_xact_lock_shared(" + LOCK_KEY + ")")
                .execute(Tuple.of(key))
                .replaceWithVoid();
        Uni<Void> open = connection
                .preparedQuery(
                        "SELECT max(erased_at) AS closed_at FROM erasure WHERE patient_key = $1 AND reopened_at IS NULL")
                .execute(Tuple.of(key))
                .invoke(rows -> {
                    var closedAt = rows.iterator().next().getOffsetDateTime("closed_at");
                    if (closedAt != null) {
                        throw new ProblemException(
                                ProblemType.RECORD_CLOSED,
                                "The patient closed their record on " + closedAt.toInstant()
                                        + "; it accepts no document until the patient reopens it. Nothing was kept.");
                    }
                })
                .replaceWithVoid();
        return Uni.join().all(lock, open).andFailFast().replaceWithVoid();
    }

    /** First in an erasure's transaction: waits for the commits under way, holds off new ones. */
    public Uni<Void> lockForErasure(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")")
                .execute(Tuple.of(PatientKey.of(patient)))
                .replaceWithVoid();
    }

    /** The proof, in the erasure's transaction; the record is closed from its commit on. */
    public Uni<Instant> record(SqlConnection connection, Identifier patient, int erasedDocuments) {
        return connection
                .preparedQuery(
                        "INSERT INTO erasure (patient_key, erased_documents) VALUES ($1, $2) RETURNING erased_at")
                .execute(Tuple.of(PatientKey.of(patient), erasedDocuments))
                .map(rows ->
                        rows.iterator().next().getOffsetDateTime("erased_at").toInstant());
    }

    /** Whether the record was closed; it accepts documents again from now on. */
    public Uni<Boolean> reopen(Identifier patient) {
        return pool.preparedQuery(
                        "UPDATE erasure SET reopened_at = now() WHERE patient_key = $1 AND reopened_at IS NULL")
                .execute(Tuple.of(PatientKey.of(patient)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The patient's erasures, oldest first. */
    public Uni<List<Erasure>> of(Identifier patient) {
        return pool.preparedQuery("SELECT erased_at, erased_documents, reopened_at FROM erasure "
                        + "WHERE patient_key = $1 ORDER BY erased_at, id")
                .execute(Tuple.of(PatientKey.of(patient)))
                .map(rows -> {
                    List<Erasure> erasures = new ArrayList<>();
                    for (Row row : rows) {
                        var reopened = row.getOffsetDateTime("reopened_at");
                        erasures.add(new Erasure(
                                row.getOffsetDateTime("erased_at").toInstant(),
                                row.getInteger("erased_documents"),
                                reopened == null ? null : reopened.toInstant()));
                    }
                    return erasures;
                });
    }
}
