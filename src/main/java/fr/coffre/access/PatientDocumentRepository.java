package fr.coffre.access;

import fr.coffre.document.DocumentRepository;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One patient's documents as an audience may see them: listed newest first (by the document's
 * own date, its reception when it has none) or, with a search, best match first; filtered; in
 * pages whose cursor is opaque to the caller.
 */
@ApplicationScoped
public class PatientDocumentRepository {

    /**
     * What to keep of the patient's documents; null fields do not filter.
     *
     * @param typeSystems   the type code's system, as any of these spellings (an OID, its URN, a URL)
     * @param from          the document's own date (its creation, else its reception) at or after
     * @param to            that date before
     * @param receivedFrom  received by Coffre at or after
     * @param receivedTo    received before
     * @param serviceFrom   a service period that ends at or after
     * @param serviceTo     a service period that starts before
     * @param codes         XDS codes the document must hold, each of them
     * @param authorName    a word that begins a word of one of its authors' names (any case)
     * @param readableTypes the document types the reader may read, or null for every document
     */
    public record Filter(
            String typeCode,
            List<String> typeSystems,
            String classCode,
            OffsetDateTime from,
            OffsetDateTime to,
            OffsetDateTime receivedFrom,
            OffsetDateTime receivedTo,
            OffsetDateTime serviceFrom,
            OffsetDateTime serviceTo,
            String producer,
            String q,
            List<CodeMatch> codes,
            String authorName,
            ReadableTypes readableTypes) {

        public Filter {
            codes = codes == null ? List.of() : List.copyOf(codes);
        }

        /** The filters of the patient's and professionals' lists. */
        public static Filter of(
                String typeCode, String classCode, OffsetDateTime from, OffsetDateTime to, String producer, String q) {
            return new Filter(
                    typeCode, null, classCode, from, to, null, null, null, null, producer, q, null, null, null);
        }

        /** This filter, on one producer's documents. */
        public Filter sentBy(String producerId) {
            return narrowed(producerId, codes, authorName, readableTypes);
        }

        /** This filter, on the types a reader may read only. */
        public Filter readable(ReadableTypes types) {
            return narrowed(producer, codes, authorName, types);
        }

        /** This filter, also on these XDS codes and author. */
        public Filter with(List<CodeMatch> more, String author) {
            List<CodeMatch> all = new ArrayList<>(codes);
            all.addAll(more);
            return narrowed(producer, all, author == null || author.isBlank() ? authorName : author, readableTypes);
        }

        private Filter narrowed(String producerId, List<CodeMatch> codeMatches, String author, ReadableTypes types) {
            return new Filter(
                    typeCode,
                    typeSystems,
                    classCode,
                    from,
                    to,
                    receivedFrom,
                    receivedTo,
                    serviceFrom,
                    serviceTo,
                    producerId,
                    q,
                    codeMatches,
                    author,
                    types);
        }
    }

    /**
     * An XDS code a document holds in one of its coded fields.
     *
     * @param systems its system as any of these spellings, or null for any system
     */
    public record CodeMatch(XdsCodeField field, String code, List<String> systems) {}

    /** The document's coded XDS fields that lists and searches filter on, and the column each is kept in. */
    public enum XdsCodeField {
        FORMAT("d.format_code"),
        PRACTICE_SETTING("d.practice_setting_code"),
        FACILITY_TYPE("d.facility_type_code"),
        EVENT("d.event_codes"),
        // Documents filed before every code was kept have their HL7 level only.
        CONFIDENTIALITY("coalesce(d.confidentiality_codes, jsonb_build_array(jsonb_build_object('code',"
                + " d.confidentiality, 'system', CASE WHEN d.confidentiality IN ('U', 'L', 'M', 'N', 'R', 'V')"
                + " THEN '2.16.840.1.113883.5.25' END)))");

        private final String column;

        XdsCodeField(String column) {
            this.column = column;
        }
    }

    private static final String SORT_DATE = "coalesce(d.creation_time, d.received_at)";
    private static final String COLUMNS = "d." + DocumentRepository.COLUMNS.replace(", ", ", d.")
            + ", d.hidden_from_professionals, d.withheld_from_patient, d.patient_authored, " + SORT_DATE
            + " AS sort_date";

    private final Pool pool;

    public PatientDocumentRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * @param patientId the INS number
     * @param systems   the INS systems it may be filed under: the patient's own, or every INS OID
     *                  for a professional who names the patient by number
     */
    public Uni<DocumentPage<VisibleDocument>> list(
            String patientId, List<String> systems, Audience audience, Filter filter, String cursor, int limit) {
        List<Object> params = new ArrayList<>(List.of(patientId, systems.toArray(String[]::new)));
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS);
        boolean search = filter.q() != null && !filter.q().isBlank();
        if (search) {
            params.add(filter.q());
            int q = params.size();
            sql.append(", ts_rank(i.search, websearch_to_tsquery('coffre_fr', $")
                    .append(q)
                    .append(")) AS rank")
                    // Escaped before highlighting, so a document's text cannot inject markup into a page.
                    .append(
                            ", ts_headline('coffre_fr', replace(replace(replace(coalesce(i.excerpt, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), ")
                    .append("websearch_to_tsquery('coffre_fr', $")
                    .append(q)
                    .append(
                            "), 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=2') AS snippet");
        }
        sql.append(" FROM document d JOIN document_index i ON i.document_id = d.id")
                .append(" WHERE d.patient_id = $1 AND d.patient_system = ANY($2) AND ")
                .append(audience.predicate);
        if (search) {
            sql.append(" AND i.search @@ websearch_to_tsquery('coffre_fr', $3)");
        }
        condition(sql, params, "d.type_code = $", filter.typeCode());
        condition(sql, params, "d.class_code = $", filter.classCode());
        condition(sql, params, "d.producer_id = $", filter.producer());
        condition(sql, params, SORT_DATE + " >= $", filter.from());
        condition(sql, params, SORT_DATE + " < $", filter.to());
        if (filter.typeSystems() != null) {
            params.add(filter.typeSystems().toArray(String[]::new));
            sql.append(" AND d.type_code_system = ANY($").append(params.size()).append(")");
        }
        for (CodeMatch match : filter.codes()) {
            params.add(match.code());
            sql.append(" AND EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(")
                    .append(match.field().column)
                    .append(") WHEN 'array' THEN ")
                    .append(match.field().column)
                    .append(" WHEN 'object' THEN jsonb_build_array(")
                    .append(match.field().column)
                    .append(") ELSE '[]'::jsonb END) c WHERE c->>'code' = $")
                    .append(params.size());
            if (match.systems() != null) {
                params.add(match.systems().toArray(String[]::new));
                sql.append(" AND c->>'system' = ANY($").append(params.size()).append(")");
            }
            sql.append(")");
        }
        if (filter.authorName() != null) {
            params.add("% "
                    + filter.authorName()
                            .replace("\\", "\\\\")
                            .replace("%", "\\%")
                            .replace("_", "\\_") + "%");
            sql.append(
                            " AND EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(d.authors, "
                                    + "jsonb_build_array(coalesce(d.author, '{}'::jsonb)))) a WHERE ' ' || (a->>'name') ILIKE $")
                    .append(params.size())
                    .append(")");
        }
        if (filter.readableTypes() != null && !filter.readableTypes().all()) {
            params.add(filter.readableTypes().parameter());
            sql.append(filter.readableTypes().sql(params.size()));
        }
        condition(sql, params, "d.received_at >= $", filter.receivedFrom());
        condition(sql, params, "d.received_at < $", filter.receivedTo());
        condition(sql, params, "coalesce(d.service_stop_time, d.service_start_time) >= $", filter.serviceFrom());
        condition(sql, params, "coalesce(d.service_start_time, d.service_stop_time) < $", filter.serviceTo());
        Cursor position = Cursor.decode(cursor, search);
        if (!search && position.date() != null) {
            params.add(position.date());
            params.add(position.id());
            sql.append(" AND (")
                    .append(SORT_DATE)
                    .append(", d.id) < ($")
                    .append(params.size() - 1)
                    .append(", $")
                    .append(params.size())
                    .append(")");
        }
        sql.append(search ? " ORDER BY rank DESC, sort_date DESC, d.id DESC" : " ORDER BY sort_date DESC, d.id DESC");
        params.add(limit + 1);
        sql.append(" LIMIT $").append(params.size());
        if (search) {
            params.add(position.offset());
            sql.append(" OFFSET $").append(params.size());
        }
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<VisibleDocument> items = new ArrayList<>();
            Row last = null;
            for (Row row : rows) {
                if (items.size() == limit) {
                    String next = search
                            ? Cursor.offset(position.offset() + limit)
                            : Cursor.keyset(last.getOffsetDateTime("sort_date"), last.getUUID("id"));
                    return new DocumentPage<>(items, next);
                }
                items.add(map(row, search));
                last = row;
            }
            return new DocumentPage<>(items, null);
        });
    }

    /** The document if it is this patient's and this audience may see it; nothing tells it apart from a missing one. */
    public Uni<Optional<VisibleDocument>> find(UUID id, String patientId, List<String> systems, Audience audience) {
        return find(id, patientId, systems, audience, ReadableTypes.ALL);
    }

    /** @param readableTypes the document types the reader may read */
    public Uni<Optional<VisibleDocument>> find(
            UUID id, String patientId, List<String> systems, Audience audience, ReadableTypes readableTypes) {
        String types = readableTypes.sql(4);
        Tuple params = Tuple.of(id, patientId, systems.toArray(String[]::new));
        if (!readableTypes.all()) {
            params.addValue(readableTypes.parameter());
        }
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM document d WHERE d.id = $1 AND d.patient_id = $2 "
                        + "AND d.patient_system = ANY($3) AND " + audience.predicate + types)
                .execute(params)
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(map(rows.iterator().next(), false)));
    }

    private static void condition(StringBuilder sql, List<Object> params, String clause, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            params.add(value);
            sql.append(" AND ").append(clause).append(params.size());
        }
    }

    private static VisibleDocument map(Row row, boolean search) {
        return new VisibleDocument(
                DocumentRepository.map(row),
                row.getBoolean("hidden_from_professionals"),
                row.getBoolean("withheld_from_patient"),
                row.getBoolean("patient_authored"),
                search ? row.getString("snippet") : null);
    }

    /** Where a page starts: after a (date, id) when listing, at an offset when ranking a search. */
    record Cursor(OffsetDateTime date, UUID id, int offset) {

        static String keyset(OffsetDateTime date, UUID id) {
            return encode("k|" + date.toInstant().truncatedTo(ChronoUnit.MICROS) + "|" + id);
        }

        static String offset(int offset) {
            return encode("o|" + offset);
        }

        static Cursor decode(String cursor, boolean search) {
            if (cursor == null || cursor.isBlank()) {
                return new Cursor(null, null, 0);
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                if (search && parts[0].equals("o") && parts.length == 2) {
                    return new Cursor(null, null, Math.max(0, Integer.parseInt(parts[1])));
                }
                if (!search && parts[0].equals("k") && parts.length == 3) {
                    return new Cursor(Instant.parse(parts[1]).atOffset(ZoneOffset.UTC), UUID.fromString(parts[2]), 0);
                }
            } catch (RuntimeException e) {
                // answered below
            }
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST,
                    "The cursor is not one this list gave, or belongs to " + "another query; start again without it.");
        }

        private static String encode(String value) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
