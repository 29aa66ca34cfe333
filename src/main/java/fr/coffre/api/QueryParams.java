package fr.coffre.api;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Query parameters of the read APIs, checked so that a bad one is a 400 that says which. */
public final class QueryParams {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private QueryParams() {}

    /** A date (the day's start, UTC) or a date-time with its offset. */
    public static OffsetDateTime instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10
                    ? LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC)
                    : OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST,
                    name + " must be a date (2026-03-01) or a date-time with "
                            + "its offset (2026-03-01T08:00:00+01:00).");
        }
    }

    public static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "limit must be between 1 and " + MAX_LIMIT + ".");
        }
        return limit;
    }
}
