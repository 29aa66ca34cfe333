package fr.coffre.access;

import fr.coffre.blocking.Await;
import fr.coffre.database.Transactions;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentRepository.PatientDocuments;
import fr.coffre.document.ErasureRepository;
import fr.coffre.document.Identifier;
import fr.coffre.ingest.Producer;
import fr.coffre.ingest.ProducerQuotaRepository;
import fr.coffre.ingest.SubmissionRepository;
import fr.coffre.outbox.OutboxRepository;
import fr.coffre.storage.DocumentObjectStore;
import fr.coffre.storage.PendingObjectRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Erases a patient who closes their account. In one transaction, which excludes the commits of the
 * patient's new documents, each table's owner erases its own rows for the patient's documents: the
 * objects are handed to the orphan sweeper, then the submission outcomes, unsent events, documents
 * (with their index entries), the access log and the preferences go, and the proof of the erasure
 * (when, how many documents) is recorded, which closes the record until the patient reopens it.
 * The objects are then deleted at once, and whatever a crash leaves behind the sweeper deletes on
 * its next pass. Blocking.
 */
@ApplicationScoped
public class ErasureService {

    private static final Logger LOG = Logger.getLogger(ErasureService.class);

    private final Transactions transactions;
    private final DocumentRepository documents;
    private final ErasureRepository erasures;
    private final SubmissionRepository submissions;
    private final OutboxRepository outbox;
    private final AccessLogRepository accessLog;
    private final PatientPreferenceRepository preferences;
    private final ProfessionalAuthorisationRepository authorisations;
    private final CareTeamRepository careTeams;
    private final SearchLinkRepository searchLinks;
    private final PendingObjectRepository pending;
    private final ProducerQuotaRepository quotas;
    private final DocumentObjectStore store;
    private final Await await;

    public ErasureService(
            Transactions transactions,
            DocumentRepository documents,
            ErasureRepository erasures,
            SubmissionRepository submissions,
            OutboxRepository outbox,
            AccessLogRepository accessLog,
            PatientPreferenceRepository preferences,
            ProfessionalAuthorisationRepository authorisations,
            CareTeamRepository careTeams,
            SearchLinkRepository searchLinks,
            PendingObjectRepository pending,
            ProducerQuotaRepository quotas,
            DocumentObjectStore store,
            Await await) {
        this.await = await;
        this.transactions = transactions;
        this.documents = documents;
        this.erasures = erasures;
        this.submissions = submissions;
        this.outbox = outbox;
        this.accessLog = accessLog;
        this.preferences = preferences;
        this.authorisations = authorisations;
        this.careTeams = careTeams;
        this.searchLinks = searchLinks;
        this.pending = pending;
        this.quotas = quotas;
        this.store = store;
    }

    /** What an erasure did: the proof kept of it. */
    public record Erased(int documents, Instant at) {}

    /**
     * Erases the patient and closes their record. Waits for the commits of their documents under
     * way (they are erased too) and holds off new ones, which find the record closed.
     */
    public Erased erase(Identifier patient) {
        AtomicReference<Instant> at = new AtomicReference<>();
        PatientDocuments erased = await.result(transactions.run(connection -> erasures.lockForErasure(
                        connection, patient)
                .chain(() -> documents.lockAllOf(connection, patient))
                .call(found -> pending.handOver(connection, found.objectKeys()))
                .call(found -> submissions.eraseEntriesOf(connection, found.ids()))
                .call(found -> outbox.eraseAbout(connection, found.ids()))
                .call(found -> documents.erase(connection, found.ids()))
                .call(() -> accessLog.erase(connection, patient))
                .call(() -> preferences.erase(connection, patient))
                .call(() -> authorisations.erase(connection, patient))
                .call(() -> careTeams.erase(connection, patient))
                .call(() -> searchLinks.erase(connection, patient))
                .call(() -> quotas.erase(connection, Producer.patient(patient).id()))
                .call(found ->
                        erasures.record(connection, patient, found.ids().size()).invoke(at::set))));
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
        return new Erased(erased.ids().size(), at.get());
    }

    /** The record accepts documents again; whether it was closed. */
    public Uni<Boolean> reopen(Identifier patient) {
        return erasures.reopen(patient);
    }

    /** What survives of the patient's erasures. */
    public Uni<List<ErasureRepository.Erasure>> proofs(Identifier patient) {
        return erasures.of(patient);
    }
}
