package fr.coffre.index;

import fr.coffre.database.Transactions;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentEntry;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentStatus;
import fr.coffre.document.Identifier;
import fr.coffre.document.PatientKey;
import fr.coffre.event.DocumentIndexed;
import fr.coffre.extraction.ExtractedContent;
import fr.coffre.messaging.KafkaTopicsConfig;
import fr.coffre.observability.Traceparent;
import fr.coffre.outbox.OutboxRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Ends a document's processing: its index entry, its new status and the event that announces it
 * commit together, and only while the document is still STORED, so that an event delivered twice
 * (a redelivery after a crash, a replayed dead letter) indexes it once and announces it once.
 */
@ApplicationScoped
public class IndexRepository {

    /** to_tsvector input is bounded: a tsvector must stay under 1 MB, and the tail adds little to ranking. */
    static final int MAX_INDEXED_CHARS = 200_000;

    static final int MAX_EXCERPT_CHARS = 20_000;

    /** search_vector_rewrite's row for V19's rewrite. */
    static final String WORDS_WITH_DIGITS = "unaccented-words-with-digits";

    private final Pool pool;
    private final Transactions transactions;
    private final DocumentRepository documents;
    private final OutboxRepository outbox;
    private final String indexedTopic;

    public IndexRepository(
            Pool pool,
            Transactions transactions,
            DocumentRepository documents,
            OutboxRepository outbox,
            KafkaTopicsConfig topics) {
        this.pool = pool;
        this.transactions = transactions;
        this.documents = documents;
        this.outbox = outbox;
        this.indexedTopic = topics.topics().documentsIndexed().name();
    }

    /** False when the document was no longer STORED: someone else concluded it first. */
    public Uni<Boolean> index(Document document, ExtractedContent content, String note, boolean typeMismatch) {
        // Taken on the worker's thread: consumers of the announcement continue the indexing's trace.
        String traceparent = Traceparent.current();
        return transactions.run(connection -> documents
                .conclude(connection, document.id(), DocumentStatus.INDEXED, note)
                .chain(concluded -> !concluded
                        ? Uni.createFrom().item(false)
                        // Sent together: PostgreSQL runs them in this order, one round trip for both.
                        : Uni.join()
                                .all(
                                        insertEntry(connection, document, content, typeMismatch),
                                        announce(connection, document, DocumentStatus.INDEXED, traceparent))
                                .andFailFast()
                                .replaceWith(true)));
    }

    /** QUARANTINED or FAILED with its reason; false when the document was no longer STORED. */
    public Uni<Boolean> setAside(Document document, DocumentStatus status, String reason) {
        // One statement: no transaction to open and commit around it.
        return pool.withConnection(connection -> documents.conclude(connection, document.id(), status, reason));
    }

    /**
     * One batch of a rewrite of the stored search vectors: {@code scanned} rows read from where the
     * last batch stopped, {@code rewritten} of them changed, {@code finished} when no row is left.
     * Not {@code claimed} when there was nothing to do: the rewrite was finished, or another
     * instance is running a batch of it.
     */
    public record RewriteBatch(boolean claimed, int scanned, int rewritten, boolean finished) {}

    /**
     * The next {@code limit} rows, in document_id order, get their search vector's lexemes with a
     * digit unaccented (V19: the vectors written before words joined to digits were unaccented).
     * The batch and its progress commit together; instances take turns through SKIP LOCKED.
     */
    public Uni<RewriteBatch> rewriteWordsWithDigits(int limit) {
        return transactions.run(connection -> connection
                .preparedQuery("SELECT after FROM search_vector_rewrite WHERE name = $1 AND finished_at IS NULL "
                        + "FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(WORDS_WITH_DIGITS))
                .chain(progress -> !progress.iterator().hasNext()
                        ? Uni.createFrom().item(new RewriteBatch(false, 0, 0, false))
                        : connection
                                .preparedQuery("WITH batch AS (SELECT document_id, search FROM document_index "
                                        + "WHERE document_id > coalesce($1::uuid, '00000000-0000-0000-0000-000000000000'::uuid) "
                                        + "ORDER BY document_id LIMIT $2), "
                                        + "changed AS (SELECT b.document_id, unaccent_digit_lexemes(b.search) AS search "
                                        + "FROM batch b), "
                                        + "rewritten AS (UPDATE document_index i SET search = c.search "
                                        + "FROM changed c JOIN batch b USING (document_id) "
                                        + "WHERE i.document_id = c.document_id AND c.search <> b.search RETURNING 1), "
                                        + "progress AS (UPDATE search_vector_rewrite SET after = coalesce("
                                        + "(SELECT document_id FROM batch ORDER BY document_id DESC LIMIT 1), after), "
                                        + "finished_at = CASE WHEN (SELECT count(*) FROM batch) < $2 THEN now() END "
                                        + "WHERE name = $3 RETURNING finished_at) "
                                        + "SELECT (SELECT count(*) FROM batch) AS scanned, "
                                        + "(SELECT count(*) FROM rewritten) AS rewritten, "
                                        + "(SELECT finished_at IS NOT NULL FROM progress) AS finished")
                                .execute(
                                        Tuple.of(progress.iterator().next().getUUID("after"), limit, WORDS_WITH_DIGITS))
                                .map(rows -> {
                                    var row = rows.iterator().next();
                                    return new RewriteBatch(
                                            true,
                                            row.getLong("scanned").intValue(),
                                            row.getLong("rewritten").intValue(),
                                            row.getBoolean("finished"));
                                })));
    }

    private static Uni<Void> insertEntry(
            SqlConnection connection, Document document, ExtractedContent content, boolean typeMismatch) {
        String text = content.text() == null ? "" : content.text();
        DocumentEntry declared = document.entry();
        String title = content.title() != null ? content.title() : declared.title();
        Identifier ins = content.ins()
                .orElse(
                        content.patientIds().isEmpty()
                                ? null
                                : content.patientIds().get(0));
        String keyMetadata = Stream.of(
                        declared.title(),
                        declared.typeCode().display(),
                        content.code() == null ? null : content.code().displayName(),
                        declared.author() == null ? null : declared.author().name(),
                        declared.author() == null ? null : declared.author().institution(),
                        content.authorName(),
                        content.authorOrganization())
                .filter(v -> v != null && !v.isBlank())
                .distinct()
                .collect(Collectors.joining(" "));
        Object[] values = {
            document.id(),
            content.kind().name(),
            content.detectedMediaType(),
            typeMismatch,
            ins == null ? null : ins.value(),
            ins == null ? null : ins.system(),
            content.code() == null ? null : content.code().code(),
            content.code() == null ? null : content.code().codeSystem(),
            content.title(),
            content.effectiveTime(),
            content.effectiveDateTime(),
            content.authorId() == null ? null : content.authorId().value(),
            truncate(text, MAX_EXCERPT_CHARS),
            content.textTruncated(),
            title,
            keyMetadata,
            truncate(text, MAX_INDEXED_CHARS)
        };
        return connection
                .preparedQuery("INSERT INTO document_index (document_id, detected_kind, detected_media_type, "
                        + "type_mismatch, content_patient_id, content_patient_system, content_code, content_code_system, "
                        + "content_title, effective_time_value, effective_time, author_id, excerpt, text_truncated, search) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                        + "setweight(to_tsvector('coffre_fr', coalesce($15, '')), 'A') "
                        + "|| setweight(to_tsvector('coffre_fr', coalesce($16, '')), 'B') "
                        + "|| setweight(to_tsvector('coffre_fr', coalesce($17, '')), 'D'))")
                .execute(Tuple.from(values))
                .replaceWithVoid();
    }

    private Uni<Void> announce(SqlConnection connection, Document document, DocumentStatus status, String traceparent) {
        return outbox.append(
                connection,
                indexedTopic,
                PatientKey.of(document.patient()),
                new DocumentIndexed(document.id(), document.producerId(), status),
                traceparent);
    }

    private static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
