package fr.coffre.access;

import fr.coffre.blocking.Await;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentRepository.PatientDocuments;
import fr.coffre.document.Identifier;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.ProducerQuotaRepository;
import fr.coffre.ingest.SubmissionRepository;
import fr.coffre.outbox.OutboxRepository;
import fr.coffre.storage.DocumentObjectStore;
import fr.coffre.storage.PendingObjectRepository;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Erases a patient who closes their account. In one transaction, each table's owner erases its
 * own rows for the patient's documents: the objects are handed to the orphan sweeper, then the
 * submission outcomes, unsent events, documents (with their index entries), the access log and
 * the preferences go. The objects are then deleted at once, and whatever a crash leaves behind the
 * sweeper deletes on its next pass. Blocking.
 */
@ApplicationScoped
public class ErasureService {

    private static final Logger LOG = Logger.getLogger(ErasureService.class);

    private final Pool pool;
    private final DocumentRepository documents;
    private final SubmissionRepository submissions;
    private final OutboxRepository outbox;
    private final AccessLogRepository accessLog;
    private final PatientPreferenceRepository preferences;
    private final PendingObjectRepository pending;
    private final ProducerQuotaRepository quotas;
    private final DocumentObjectStore store;
    private final Await await;

    public ErasureService(
            Pool pool,
            DocumentRepository documents,
            SubmissionRepository submissions,
            OutboxRepository outbox,
            AccessLogRepository accessLog,
            PatientPreferenceRepository preferences,
            PendingObjectRepository pending,
            ProducerQuotaRepository quotas,
            DocumentObjectStore store,
            Await await) {
        this.await = await;
        this.pool = pool;
        this.documents = documents;
        this.submissions = submissions;
        this.outbox = outbox;
        this.accessLog = accessLog;
        this.preferences = preferences;
        this.pending = pending;
        this.quotas = quotas;
        this.store = store;
    }

    /** How many documents were erased. */
    public int erase(Identifier patient) {
        PatientDocuments erased = await.result(pool.withTransaction(connection -> documents
                .lockAllOf(connection, patient)
                .call(found -> pending.handOver(connection, found.objectKeys()))
                .call(found -> submissions.eraseEntriesOf(connection, found.ids()))
                .call(found -> outbox.eraseAbout(connection, found.ids()))
                .call(found -> documents.erase(connection, found.ids()))
                .call(() -> accessLog.erase(connection, patient))
                .call(() -> preferences.erase(connection, patient))
                .call(() -> quotas.erase(connection, Producer.patient(patient).id()))));
        int left = 0;
        for (String key : erased.objectKeys()) {
            try {
                await.result(store.delete(key).chain(() -> pending.forget(key)));
            } catch (RuntimeException e) {
                left++;
            }
        }
        LOG.infof(
                "Erased a patient's %d documents%s",
                erased.ids().size(), left == 0 ? "" : "; " + left + " objects left to the sweeper");
        return erased.ids().size();
    }
}
