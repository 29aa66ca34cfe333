package fr.coffre.mhd;

import fr.coffre.access.PatientDocumentRepository.CodeMatch;
import fr.coffre.access.PatientDocumentRepository.Filter;
import fr.coffre.access.PatientDocumentRepository.XdsCodeField;
import fr.coffre.access.ReadableTypes;
import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ITI-67 Find Document References query, read from its parameters: the patient by INS, and
 * the filters Coffre can apply. One value per parameter (no comma-separated alternatives, except in
 * {@code status}); a date parameter may be repeated to give a range. Parameters Coffre does not
 * know are ignored, as FHIR allows, and left out of what is kept for its paging links, which say
 * what was applied.
 *
 * @param ins      the patient's INS number
 * @param systems  the INS systems it may be filed under: the one given, or all when none was
 * @param current  false when the statuses asked for leave nothing a caller can see here (only
 *                 current documents are searchable)
 * @param count    the page size
 * @param cursor   where the page starts, from a next link
 * @param applied  the applied parameters as a query string (cursor excluded): what a paging link's
 *                 search keeps
 */
public record DocumentSearch(
        String ins, List<String> systems, boolean current, Filter filter, int count, String cursor, String applied) {

    /** The parameters it applies, as the CapabilityStatement lists them: name, FHIR type, what it matches. */
    public static final List<String[]> PARAMETERS = List.of(
            new String[] {"patient.identifier", "token", "the patient's INS (system|value); required"},
            new String[] {"status", "token", "current (the default); only current documents are searchable"},
            new String[] {"type", "token", "the type code (LOINC), system|code or code"},
            new String[] {"category", "token", "the class code; matched on its code"},
            new String[] {"date", "date", "when Coffre received the document; eq, ge, gt, le, lt"},
            new String[] {"period", "date", "the service period, overlapping the value; eq, ge, gt, le, lt"},
            new String[] {"setting", "token", "the practice setting code, system|code or code"},
            new String[] {"facility", "token", "the healthcare facility type code, system|code or code"},
            new String[] {"event", "token", "an event code (the act documented), system|code or code"},
            new String[] {"format", "token", "the format code, system|code or code"},
            new String[] {"security-label", "token", "a confidentiality code (HL7 level or DMP label)"},
            new String[] {"author.given", "string", "a word of an author's name begins with it (any case)"},
            new String[] {"author.family", "string", "a word of an author's name begins with it (any case)"});

    /** The token parameters on coded XDS fields, and the field each filters on. */
    private static final Map<String, XdsCodeField> CODED = new LinkedHashMap<>();

    static {
        CODED.put("setting", XdsCodeField.PRACTICE_SETTING);
        CODED.put("facility", XdsCodeField.FACILITY_TYPE);
        CODED.put("event", XdsCodeField.EVENT);
        CODED.put("format", XdsCodeField.FORMAT);
        CODED.put("security-label", XdsCodeField.CONFIDENTIALITY);
    }

    /** What may go with {@code _page}: the rest of the search is the link's. */
    private static final Set<String> LINK_PARAMETERS = Set.of("_page", "_cursor", "_format");

    static final int DEFAULT_COUNT = 20;
    static final int MAX_COUNT = 100;
    // Dates without an offset are French civil time: the record is the French DMP's.
    static final ZoneId LOCAL = ZoneId.of("Europe/Paris");
    private static final Pattern DATE = Pattern.compile("(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\\d{4}.*)");
    private static final Map<String, List<String>> SYSTEM_SPELLINGS = Map.of(
            "http://loinc.org",
            List.of("http://loinc.org", "2.16.840.1.113883.6.1", "urn:oid:2.16.840.1.113883.6.1"),
            "http://snomed.info/sct",
            List.of("http://snomed.info/sct", "2.16.840.1.113883.6.96", "urn:oid:2.16.840.1.113883.6.96"),
            "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
            List.of(
                    "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                    "2.16.840.1.113883.5.25",
                    "urn:oid:2.16.840.1.113883.5.25"));

    /** @param params each parameter's values, as the request gave them */
    public static DocumentSearch of(Map<String, List<String>> params) {
        if (params.containsKey("patient")) {
            throw invalid("Name the patient with patient.identifier=<INS system>|<INS>: Coffre serves no Patient"
                    + " resources to refer to.");
        }
        String patientParam = single(params, "patient.identifier");
        if (patientParam == null) {
            throw invalid("patient.identifier is required (ITI-67): the INS, as urn:oid:1.2.250.1.213.1.4.8|<INS>.");
        }
        String[] patient = token(patientParam);
        Identifier ins = Ins.normalise(new Identifier(patient[0] == null ? Ins.NIR : patient[0], patient[1]));
        Ins.problemWith(ins).ifPresent(problem -> {
            throw new ProblemException(ProblemType.INVALID_INS, "patient.identifier: " + problem + ".");
        });
        List<String> systems = patient[0] == null ? Ins.OIDS : List.of(ins.system());
        StringJoiner applied = new StringJoiner("&");
        applied.add(pair("patient.identifier", patientParam));

        boolean current = true;
        String status = single(params, "status");
        if (status != null) {
            current = List.of(status.split(",")).contains("current");
            applied.add(pair("status", status));
        }

        String typeCode = null;
        List<String> typeSystems = null;
        String type = single(params, "type");
        if (type != null) {
            String[] token = token(type);
            typeCode = token[1];
            if (token[0] != null) {
                typeSystems = systems(token[0]);
            }
            applied.add(pair("type", type));
        }
        String classCode = null;
        String category = single(params, "category");
        if (category != null) {
            classCode = token(category)[1];
            applied.add(pair("category", category));
        }

        List<CodeMatch> codes = new ArrayList<>();
        for (var coded : CODED.entrySet()) {
            String value = single(params, coded.getKey());
            if (value != null) {
                String[] token = token(value);
                codes.add(new CodeMatch(coded.getValue(), token[1], token[0] == null ? null : systems(token[0])));
                applied.add(pair(coded.getKey(), value));
            }
        }
        String author = null;
        for (String name : List.of("author.given", "author.family")) {
            String value = single(params, name);
            if (value != null) {
                if (author != null) {
                    throw invalid("author.given and author.family both match a word of an author's name here: give"
                            + " one of them.");
                }
                author = value.trim();
                applied.add(pair(name, value));
            }
        }

        OffsetDateTime[] received = {null, null};
        for (String value : params.getOrDefault("date", List.of())) {
            narrow(received, "date", value);
            applied.add(pair("date", value));
        }
        OffsetDateTime[] service = {null, null};
        for (String value : params.getOrDefault("period", List.of())) {
            narrow(service, "period", value);
            applied.add(pair("period", value));
        }

        int count = DEFAULT_COUNT;
        String countParam = single(params, "_count");
        if (countParam != null) {
            try {
                count = Integer.parseInt(countParam.trim());
            } catch (NumberFormatException e) {
                throw invalid("_count must be a whole number.");
            }
            if (count < 1 || count > MAX_COUNT) {
                throw invalid("_count must be between 1 and " + MAX_COUNT + ".");
            }
            applied.add(pair("_count", Integer.toString(count)));
        }
        Filter filter = new Filter(
                typeCode,
                typeSystems,
                classCode,
                null,
                null,
                received[0],
                received[1],
                service[0],
                service[1],
                null,
                null,
                codes,
                author,
                null);
        return new DocumentSearch(
                ins.value(), systems, current, filter, count, single(params, "_cursor"), applied.toString());
    }

    /**
     * The search a paging link names, or null for a new search. A link is followed as it was
     * given: only where its page starts ({@code _cursor}) and the answer's format may go with it.
     */
    public static UUID link(Map<String, List<String>> params) {
        String page = single(params, "_page");
        if (page == null) {
            return null;
        }
        for (String name : params.keySet()) {
            if (!LINK_PARAMETERS.contains(name)) {
                throw invalid("A paging link is followed as it was given: " + name + " cannot be added to it.");
            }
        }
        try {
            return UUID.fromString(page);
        } catch (IllegalArgumentException e) {
            throw invalid("_page names no search this service gave.");
        }
    }

    /** The parameters of a search a link names: those it kept, and where the page starts. */
    public static Map<String, List<String>> resumed(String kept, Map<String, List<String>> link) {
        Map<String, List<String>> params =
                new LinkedHashMap<>(new QueryStringDecoder(kept, StandardCharsets.UTF_8, false).parameters());
        List<String> cursor = link.get("_cursor");
        if (cursor != null) {
            params.put("_cursor", cursor);
        }
        return params;
    }

    /** The same search restricted to one producer's documents. */
    public DocumentSearch sentBy(String producerId) {
        return new DocumentSearch(ins, systems, current, filter.sentBy(producerId), count, cursor, applied);
    }

    /** The same search within the document types a reader may read. */
    public DocumentSearch readableBy(ReadableTypes types) {
        return new DocumentSearch(ins, systems, current, filter.readable(types), count, cursor, applied);
    }

    /** Every spelling a code system may be kept under: a FHIR URL, an OID, its URN. */
    static List<String> systems(String system) {
        return SYSTEM_SPELLINGS.getOrDefault(system, spellings(system));
    }

    /** {system, code}: {@code system|code}, {@code |code} (no system) or {@code code} (any system). */
    private static String[] token(String value) {
        int bar = value.indexOf('|');
        String system = bar < 0 ? null : value.substring(0, bar);
        String code = bar < 0 ? value : value.substring(bar + 1);
        if (code.isBlank()) {
            throw invalid("A token parameter needs a code: system|code or code.");
        }
        return new String[] {system == null || system.isEmpty() ? null : system, code};
    }

    private static List<String> spellings(String system) {
        String bare = Ins.stripUrnOid(system);
        return bare.equals(system) ? List.of(system) : List.of(system, bare);
    }

    /** Narrows {@code range} = [from, to) by one date parameter. */
    private static void narrow(OffsetDateTime[] range, String name, String value) {
        Matcher m = DATE.matcher(value.trim());
        if (!m.matches()) {
            throw invalid(name + " must be a FHIR date, optionally prefixed (ge2026-01-01).");
        }
        String prefix = m.group(1) == null ? "eq" : m.group(1);
        OffsetDateTime[] bounds = bounds(name, m.group(2));
        switch (prefix) {
            case "eq" -> {
                range[0] = later(range[0], bounds[0]);
                range[1] = earlier(range[1], bounds[1]);
            }
            case "ge" -> range[0] = later(range[0], bounds[0]);
            case "gt" -> range[0] = later(range[0], bounds[1]);
            case "le" -> range[1] = earlier(range[1], bounds[1]);
            case "lt" -> range[1] = earlier(range[1], bounds[0]);
            default -> throw invalid(name + ": the prefix " + prefix + " is not supported (eq, ge, gt, le, lt are).");
        }
    }

    /** [start, end) of a value at its precision: a year, a month, a day, or an instant to the second or finer. */
    static OffsetDateTime[] bounds(String name, String value) {
        try {
            if (value.length() == 4) {
                OffsetDateTime start = LocalDate.of(Integer.parseInt(value), 1, 1)
                        .atStartOfDay(LOCAL)
                        .toOffsetDateTime();
                return new OffsetDateTime[] {
                    start, start.atZoneSameInstant(LOCAL).plusYears(1).toOffsetDateTime()
                };
            }
            if (value.length() == 7) {
                var month = YearMonth.parse(value);
                return new OffsetDateTime[] {
                    month.atDay(1).atStartOfDay(LOCAL).toOffsetDateTime(),
                    month.plusMonths(1).atDay(1).atStartOfDay(LOCAL).toOffsetDateTime()
                };
            }
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return new OffsetDateTime[] {
                    day.atStartOfDay(LOCAL).toOffsetDateTime(),
                    day.plusDays(1).atStartOfDay(LOCAL).toOffsetDateTime()
                };
            }
            OffsetDateTime instant = OffsetDateTime.parse(value);
            ChronoUnit unit = instant.getNano() == 0 ? ChronoUnit.SECONDS : ChronoUnit.MILLIS;
            return new OffsetDateTime[] {instant, instant.plus(1, unit)};
        } catch (DateTimeParseException | NumberFormatException e) {
            throw invalid(name + " must be a date (2026, 2026-03, 2026-03-01) or a date-time with its offset"
                    + " (2026-03-01T08:00:00+01:00).");
        }
    }

    private static OffsetDateTime later(OffsetDateTime a, OffsetDateTime b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static OffsetDateTime earlier(OffsetDateTime a, OffsetDateTime b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1 || (!name.equals("status") && values.get(0).contains(","))) {
            throw invalid(name + " takes one value here.");
        }
        return values.get(0).isBlank() ? null : values.get(0);
    }

    private static String pair(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.MALFORMED_REQUEST, detail);
    }
}
