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
import java.util.Optional;

/**
 * The {@code professional_access} table's owner: the professionals a patient authorised to read
 * their record, and those they blocked.
 */
@ApplicationScoped
public class ProfessionalAuthorisationRepository {

    public enum State {
        authorised,
        blocked
    }

    /** A professional the patient decided about, and when. */
    public record Decision(String rpps, State state, OffsetDateTime updatedAt) {}

    private final Pool pool;

    public ProfessionalAuthorisationRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> decide(Identifier patient, String rpps, State state) {
        return pool.preparedQuery(
                        "INSERT INTO professional_access (patient_system, patient_id, professional_id, state) "
                                + "VALUES ($1, $2, $3, $4) ON CONFLICT (patient_system, patient_id, professional_id) "
                                + "DO UPDATE SET state = $4, updated_at = now()")
                .execute(Tuple.of(patient.system(), patient.value(), rpps, state.name()))
                .replaceWithVoid();
    }

    /** The professional is neither authorised nor blocked any more. */
    public Uni<Boolean> revoke(Identifier patient, String rpps) {
        return pool.preparedQuery("DELETE FROM professional_access "
                        + "WHERE patient_system = $1 AND patient_id = $2 AND professional_id = $3")
                .execute(Tuple.of(patient.system(), patient.value(), rpps))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<List<Decision>> list(Identifier patient) {
        return pool.preparedQuery("SELECT professional_id, state, updated_at FROM professional_access "
                        + "WHERE patient_system = $1 AND patient_id = $2 ORDER BY updated_at DESC, professional_id")
                .execute(Tuple.of(patient.system(), patient.value()))
                .map(rows -> {
                    List<Decision> decisions = new ArrayList<>();
                    for (Row row : rows) {
                        decisions.add(new Decision(
                                row.getString("professional_id"),
                                State.valueOf(row.getString("state")),
                                row.getOffsetDateTime("updated_at")));
                    }
                    return decisions;
                });
    }

    /**
     * What the patient decided about this professional, under any of the INS systems the patient
     * may be filed under: a block wins over an authorisation.
     */
    public Uni<Optional<State>> stateOf(String patientId, List<String> systems, String rpps) {
        return pool.preparedQuery("SELECT state FROM professional_access "
                        + "WHERE patient_id = $1 AND patient_system = ANY($2) AND professional_id = $3 "
                        + "ORDER BY state = 'blocked' DESC LIMIT 1")
                .execute(Tuple.of(patientId, systems.toArray(String[]::new), rpps))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(State.valueOf(rows.iterator().next().getString(0))));
    }

    /** Erasure: the patient's decisions, in the erasure's transaction. */
    public Uni<Void> erase(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("DELETE FROM professional_access WHERE patient_system = $1 AND patient_id = $2")
                .execute(Tuple.of(patient.system(), patient.value()))
                .replaceWithVoid();
    }
}
