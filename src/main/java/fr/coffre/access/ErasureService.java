package fr.coffre.access;

import fr.coffre.document.Identifier;
import fr.coffre.storage.DocumentObjectStore;
import fr.coffre.storage.PendingObjectRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Erases a patient who closes their account: every document's row, index entry, submission
 * outcome, unsent event, the access log and preferences go in one transaction, which also hands
 * the objects to the orphan sweeper; the objects are then deleted at once, and whatever a crash
 * leaves behind the sweeper deletes on its next pass. Blocking.
 */
@ApplicationScoped
public class ErasureService {

    private static final Logger LOG = Logger.getLogger(ErasureService.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String DOCUMENTS = "SELECT id FROM document WHERE patient_system = $1 AND patient_id = $2";

    private final Pool pool;
    private final DocumentObjectStore store;
    private final PendingObjectRepository pending;

    public ErasureService(Pool pool, DocumentObjectStore store, PendingObjectRepository pending) {
        this.pool = pool;
        this.store = store;
        this.pending = pending;
    }

    /** How many documents were erased. */
    public int erase(Identifier patient) {
        Tuple who = Tuple.of(patient.system(), patient.value());
        List<String> keys = pool.withTransaction(connection -> connection.preparedQuery(
                        // Backdated past any grace period: the sweeper takes them on its next pass.
                        "INSERT INTO pending_object (object_key, created_at) SELECT object_key, now() - interval '100 years' "
                                + "FROM document WHERE patient_system = $1 AND patient_id = $2 "
                                + "ON CONFLICT (object_key) DO UPDATE SET created_at = EXCLUDED.created_at RETURNING object_key")
                .execute(who)
                .chain(inserted -> connection.preparedQuery("DELETE FROM submission_entry WHERE document_id IN (" + DOCUMENTS + ")")
                        .execute(who)
                        .chain(() -> connection.preparedQuery("DELETE FROM outbox WHERE (payload->>'documentId')::uuid IN ("
                                + DOCUMENTS + ")").execute(who))
                        .chain(() -> connection.preparedQuery("DELETE FROM document WHERE patient_system = $1 AND patient_id = $2")
                                .execute(who))
                        .chain(() -> connection.preparedQuery("DELETE FROM access_log WHERE patient_system = $1 AND patient_id = $2")
                                .execute(who))
                        .chain(() -> connection.preparedQuery("DELETE FROM patient_preference WHERE patient_system = $1 "
                                + "AND patient_id = $2").execute(who))
                        .map(ignored -> {
                            List<String> objects = new ArrayList<>();
                            for (Row row : inserted) {
                                objects.add(row.getString(0));
                            }
                            return objects;
                        })))
                .await().atMost(TIMEOUT);
        int left = 0;
        for (String key : keys) {
            try {
                store.delete(key).chain(() -> pending.forget(key)).await().atMost(TIMEOUT);
            } catch (RuntimeException e) {
                left++;
            }
        }
        LOG.infof("Erased a patient's %d documents%s", keys.size(), left == 0 ? "" : "; " + left + " objects left to the sweeper");
        return keys.size();
    }
}
