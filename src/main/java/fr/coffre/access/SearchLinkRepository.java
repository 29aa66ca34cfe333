package fr.coffre.access;

import fr.coffre.document.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code search_link} table's owner: the searches that FHIR paging links name by an id, so
 * that a link carries no INS. A link is followed by whoever searched, within {@link #LIFETIME}.
 */
@ApplicationScoped
public class SearchLinkRepository {

    /** How long a paging link may be followed: a client pages through a result, it does not keep it. */
    public static final Duration LIFETIME = Duration.ofHours(1);

    private final Pool pool;

    public SearchLinkRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Keeps a search and gives its id. The links past their lifetime go in the same statement, so
     * the table holds about an hour of searches without a sweeper.
     */
    public Uni<UUID> save(String owner, String patientId, String query) {
        UUID id = UUID.randomUUID();
        return pool.preparedQuery("WITH expired AS (DELETE FROM search_link WHERE created_at < now() - $5::int "
                        + "* interval '1 second') INSERT INTO search_link (id, owner, patient_id, query) "
                        + "VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(id, owner, patientId, query, (int) LIFETIME.toSeconds()))
                .replaceWith(id);
    }

    /** The query of the search, if it is the owner's and still alive. */
    public Uni<Optional<String>> find(UUID id, String owner) {
        return pool.preparedQuery("SELECT query FROM search_link WHERE id = $1 AND owner = $2 "
                        + "AND created_at >= now() - $3::int * interval '1 second'")
                .execute(Tuple.of(id, owner, (int) LIFETIME.toSeconds()))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(rows.iterator().next().getString("query")));
    }

    /** Erasure: the searches of the patient's record, in the erasure's transaction. */
    public Uni<Void> erase(SqlConnection connection, Identifier patient) {
        return connection
                .preparedQuery("DELETE FROM search_link WHERE patient_id = $1")
                .execute(Tuple.of(patient.value()))
                .replaceWithVoid();
    }
}
