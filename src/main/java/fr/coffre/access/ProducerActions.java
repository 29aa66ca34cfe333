package fr.coffre.access;

import fr.coffre.database.Transactions;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentStatus;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * What a producer may do to its own documents beyond sending them: read them (recorded), delete
 * them (logically, recorded) and withhold them from the patient or release them (recorded).
 */
@ApplicationScoped
public class ProducerActions {

    private final Transactions transactions;
    private final DocumentRepository documents;
    private final AccessLogRepository accessLog;

    public ProducerActions(Transactions transactions, DocumentRepository documents, AccessLogRepository accessLog) {
        this.transactions = transactions;
        this.documents = documents;
        this.accessLog = accessLog;
    }

    /** The producer's own document, not deleted; its read recorded before it is returned. */
    public Uni<Document> read(UUID id, Reader producer, String action) {
        return own(id, producer, true)
                .call(d -> accessLog.record(
                        List.of(new AccessLogRepository.Entry(d.patient(), d.id(), producer, action, false, null))));
    }

    /** The producer's live document under this unique id, if any and not deleted; its read recorded. */
    public Uni<Optional<Document>> readByUniqueId(Reader producer, String uniqueId) {
        return documents.findLive(producer.id(), uniqueId).chain(found -> {
            if (found.isEmpty() || found.get().status() == DocumentStatus.DELETED) {
                return Uni.createFrom().item(Optional.<Document>empty());
            }
            return read(found.get().id(), producer, "metadata").map(Optional::of);
        });
    }

    public Uni<Void> delete(UUID id, Reader producer) {
        return change(
                id,
                producer,
                "delete",
                connection -> documents.markDeleted(connection, id).replaceWithVoid());
    }

    public Uni<Void> withhold(UUID id, Reader producer, boolean withheld) {
        return change(
                id,
                producer,
                withheld ? "withhold" : "release",
                connection -> documents.withhold(connection, id, withheld));
    }

    private Uni<Void> change(UUID id, Reader producer, String action, Function<SqlConnection, Uni<Void>> update) {
        return own(id, producer, false)
                .chain(d -> transactions.run(connection -> update.apply(connection)
                        .chain(() -> accessLog.record(
                                connection,
                                List.of(new AccessLogRepository.Entry(
                                        d.patient(), d.id(), producer, action, false, null))))
                        .replaceWithVoid()));
    }

    // Another producer's document and a missing one get the same answer; a deleted one can be
    // looked at (its status says so) but not changed.
    private Uni<Document> own(UUID id, Reader producer, boolean deletedToo) {
        return documents
                .findById(id)
                .map(found -> found.filter(d -> d.producerId().equals(producer.id())
                                && (deletedToo || d.status() != DocumentStatus.DELETED))
                        .orElseThrow(
                                () -> new ProblemException(ProblemType.NOT_FOUND, "You sent no document " + id + ".")));
    }
}
