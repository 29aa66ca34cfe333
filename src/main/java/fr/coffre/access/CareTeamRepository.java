package fr.coffre.access;

import fr.coffre.database.Transactions;
import fr.coffre.document.ErasureRepository;
import fr.coffre.document.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code care_team} table's owner: the organisations treating a patient, whose professionals
 * read the patient's record without a personal authorisation, until the team's end.
 */
@ApplicationScoped
public class CareTeamRepository {

    public enum DeclaredBy {
        patient,
        producer
    }

    /** An organisation in the patient's care team. */
    public record Member(
            String organisation, DeclaredBy declaredBy, OffsetDateTime declaredAt, OffsetDateTime endsAt) {}

    private final Pool pool;
    private final Transactions transactions;
    private final ErasureRepository erasures;

    public CareTeamRepository(Pool pool, Transactions transactions, ErasureRepository erasures) {
        this.pool = pool;
        this.transactions = transactions;
        this.erasures = erasures;
    }

    /** The patient adds the organisation to their team until {@code endsAt}, whoever declared it before. */
    public Uni<Void> declareByPatient(Identifier patient, String organisation, OffsetDateTime endsAt) {
        return pool.preparedQuery("INSERT INTO care_team (patient_system, patient_id, organisation_id, declared_by, "
                        + "ends_at) VALUES ($1, $2, $3, 'patient', $4) ON CONFLICT (patient_system, patient_id, "
                        + "organisation_id) DO UPDATE SET declared_by = 'patient', declared_at = now(), ends_at = $4")
                .execute(Tuple.of(patient.system(), patient.value(), organisation, endsAt))
                .replaceWithVoid();
    }

    /**
     * A producer declares that it treats the patient, until {@code endsAt}, unless the record is
     * closed. What the patient decided about this organisation (a team they declared, or one they
     * ended) is theirs: a producer neither shortens, extends nor revives it; false then.
     */
    public Uni<Boolean> declareByProducer(Identifier patient, String organisation, OffsetDateTime endsAt) {
        return transactions.run(connection -> erasures.admitDocument(connection, patient)
                .chain(() -> connection
                        .preparedQuery("INSERT INTO care_team (patient_system, patient_id, organisation_id, "
                                + "declared_by, ends_at) VALUES ($1, $2, $3, 'producer', $4) ON CONFLICT "
                                + "(patient_system, patient_id, organisation_id) DO UPDATE SET declared_at = now(), "
                                + "ends_at = $4 WHERE care_team.declared_by = 'producer'")
                        .execute(Tuple.of(patient.system(), patient.value(), organisation, endsAt)))
                .map(rows -> rows.rowCount() > 0));
    }

    /**
     * The patient ends the organisation's membership now. The row stays, as the patient's decision,
     * so that a producer does not declare the team again.
     */
    public Uni<Boolean> end(Identifier patient, String organisation) {
        return pool.preparedQuery("UPDATE care_team SET declared_by = 'patient', ends_at = now() "
                        + "WHERE patient_system = $1 AND patient_id = $2 AND organisation_id = $3 AND ends_at > now()")
                .execute(Tuple.of(patient.system(), patient.value(), organisation))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The teams that have not ended. */
    public Uni<List<Member>> list(Identifier patient) {
        return pool.preparedQuery("SELECT organisation_id, declared_by, declared_at, ends_at FROM care_team "
                        + "WHERE patient_system = $1 AND patient_id = $2 AND ends_at > now() "
                        + "ORDER BY declared_at DESC, organisation_id")
                .execute(Tuple.of(patient.system(), patient.value()))
                .map(rows -> {
                    List<Member> members = new ArrayList<>();
                    for (Row row : rows) {
                        members.add(new Member(
                                row.getString("organisation_id"),
                                DeclaredBy.valueOf(row.getString("declared_by")),
                                row.getOffsetDateTime("declared_at"),
                                row.getOffsetDateTime("ends_at")));
                    }
                    return members;
                });
    }

    public Uni<Boolean> treats(String patientId, List<String> systems, String organisation) {
        if (organisation == null || organisation.isBlank()) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery("SELECT 1 FROM care_team WHERE patient_id = $1 AND patient_system = ANY($2) "
                        + "AND organisation_id = $3 AND ends_at > now() LIMIT 1")
                .execute(Tuple.of(patientId, systems.toArray(String[]::new), organisation))
                .map(rows -> rows.size() > 0);
    }

    /** Erasure: the patient's care teams, in the erasure's transaction. */
    public Uni<Void> erase(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("DELETE FROM care_team WHERE patient_system = $1 AND patient_id = $2")
                .execute(Tuple.of(patient.system(), patient.value()))
                .replaceWithVoid();
    }
}
