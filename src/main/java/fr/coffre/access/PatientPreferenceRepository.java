package fr.coffre.access;

import fr.coffre.document.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** The patient's and the producer's say over who sees a document, and the patient's say over emergencies. */
@ApplicationScoped
public class VisibilityRepository {

    private final Pool pool;

    public VisibilityRepository(Pool pool) {
        this.pool = pool;
    }

    /** False when the patient has no such document to show or hide. */
    public Uni<Boolean> hideFromProfessionals(UUID id, Identifier patient, boolean hidden) {
        return pool.preparedQuery("UPDATE document SET hidden_from_professionals = $4, updated_at = now() WHERE id = $1 "
                        + "AND patient_system = $2 AND patient_id = $3 AND status = 'INDEXED' AND NOT withheld_from_patient")
                .execute(Tuple.of(id, patient.system(), patient.value(), hidden))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> refusesEmergencyAccess(String patientId, java.util.List<String> systems) {
        return pool.preparedQuery("SELECT bool_or(refuses_emergency_access) FROM patient_preference "
                        + "WHERE patient_id = $1 AND patient_system = ANY($2)")
                .execute(Tuple.of(patientId, systems.toArray(String[]::new)))
                .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)));
    }

    public Uni<Void> setRefusesEmergencyAccess(Identifier patient, boolean refuses) {
        return pool.preparedQuery("INSERT INTO patient_preference (patient_system, patient_id, refuses_emergency_access) "
                        + "VALUES ($1, $2, $3) ON CONFLICT (patient_system, patient_id) DO UPDATE SET refuses_emergency_access = $3")
                .execute(Tuple.of(patient.system(), patient.value(), refuses))
                .replaceWithVoid();
    }
}
