package fr.coffre.document;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

    /** The lock's key for a patient's key; V21's admit_document takes the same, shared. */
    private static final String LOCK_KEY = "hashtextextended($1, 0)";

    /** admit_document's refusal. */
    private static final String RECORD_CLOSED = "CF001";

    private final Pool pool;

    public ErasureRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * In a document's commit transaction, before its row: waits for an erasure of the patient under
     * way, then fails with {@code record-closed} if their record is closed. One statement that
     * fails (V21's {@code admit_document}), so that the commit's COMMIT may be sent with it.
     */
    public Uni<Void> admitDocument(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("SELECT admit_document($1)")
                .execute(Tuple.of(PatientKey.of(patient)))
                .onFailure(e -> e instanceof PgException pg && RECORD_CLOSED.equals(pg.getSqlState()))
                .transform(e -> new ProblemException(
                        ProblemType.RECORD_CLOSED,
                        "The patient closed their record on "
                                + Instant.EPOCH.plus(Long.parseLong(((PgException) e).getDetail()), ChronoUnit.MICROS)
                                + "; it accepts no document until the patient reopens it. Nothing was kept."))
                .replaceWithVoid();
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
