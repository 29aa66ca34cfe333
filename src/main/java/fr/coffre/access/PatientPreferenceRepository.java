package fr.coffre.access;

import fr.coffre.document.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code patient_preference} table's owner: what a patient decided for their whole record (emergency access). */
@ApplicationScoped
public class PatientPreferenceRepository {

    private final Pool pool;

    public PatientPreferenceRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Boolean> refusesEmergencyAccess(String patientId, List<String> systems) {
        return pool.preparedQuery("SELECT bool_or(refuses_emergency_access) FROM patient_preference "
                        + "WHERE patient_id = $1 AND patient_system = ANY($2)")
                .execute(Tuple.of(patientId, systems.toArray(String[]::new)))
                .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)));
    }

    public Uni<Void> setRefusesEmergencyAccess(Identifier patient, boolean refuses) {
        return pool.preparedQuery(
                        "INSERT INTO patient_preference (patient_system, patient_id, refuses_emergency_access) "
                                + "VALUES ($1, $2, $3) ON CONFLICT (patient_system, patient_id) DO UPDATE SET refuses_emergency_access = $3")
                .execute(Tuple.of(patient.system(), patient.value(), refuses))
                .replaceWithVoid();
    }

    /** Erasure: the patient's preferences, in the erasure's transaction. */
    public Uni<Void> erase(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("DELETE FROM patient_preference WHERE patient_system = $1 AND patient_id = $2")
                .execute(Tuple.of(patient.system(), patient.value()))
                .replaceWithVoid();
    }
}
