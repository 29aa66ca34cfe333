package fr.coffre.access;

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

    public CareTeamRepository(Pool pool) {
        this.pool = pool;
    }

    /** Adds the organisation to the patient's team until {@code endsAt}, or extends it. */
    public Uni<Void> declare(Identifier patient, String organisation, DeclaredBy by, OffsetDateTime endsAt) {
        return pool.preparedQuery(
                        "INSERT INTO care_team (patient_system, patient_id, organisation_id, declared_by, "
                                + "ends_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (patient_system, patient_id, organisation_id) "
                                + "DO UPDATE SET declared_by = $4, declared_at = now(), ends_at = greatest(care_team.ends_at, $5)")
                .execute(Tuple.of(patient.system(), patient.value(), organisation, by.name(), endsAt))
                .replaceWithVoid();
    }

    public Uni<Boolean> end(Identifier patient, String organisation) {
        return pool.preparedQuery(
                        "DELETE FROM care_team WHERE patient_system = $1 AND patient_id = $2 AND organisation_id = $3")
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
