package fr.coffre.extraction;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses HL7 v3 {@code TS} values: {@code YYYY[MM[DD[HH[MM[SS[.S-SSSS]]]]]][+/-HHMM]}.
 * Missing month and day mean the 1st, a missing time means midnight, and a value without an
 * offset is read in Europe/Paris, the zone of the French documents this service receives.
 */
public final class Hl7Time {

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Paris");

    private static final Pattern TS = Pattern.compile(
            "(\\d{4})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:\\.(\\d{1,4}))?)?)?)?)?)?"
                    + "(?:([+-])(\\d{2})(\\d{2}))?");

    private Hl7Time() {}

    /** @throws DocumentContentException when the value is not a valid TS */
    public static OffsetDateTime parse(String value) {
        if (value == null) {
            throw invalid();
        }
        Matcher m = TS.matcher(value);
        if (!m.matches()) {
            throw invalid();
        }
        try {
            LocalDateTime local = LocalDateTime.of(
                    number(m, 1, 0),
                    number(m, 2, 1),
                    number(m, 3, 1),
                    number(m, 4, 0),
                    number(m, 5, 0),
                    number(m, 6, 0),
                    nanos(m.group(7)));
            if (m.group(8) == null) {
                return local.atZone(DEFAULT_ZONE).toOffsetDateTime();
            }
            int sign = m.group(8).equals("-") ? -1 : 1;
            ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * number(m, 9, 0), sign * number(m, 10, 0));
            return local.atOffset(offset);
        } catch (DateTimeException e) {
            throw invalid();
        }
    }

    private static int number(Matcher m, int group, int absent) {
        String digits = m.group(group);
        return digits == null ? absent : Integer.parseInt(digits);
    }

    private static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        return Integer.parseInt((fraction + "000000000").substring(0, 9));
    }

    private static DocumentContentException invalid() {
        return new DocumentContentException("not a valid HL7 timestamp");
    }
}
