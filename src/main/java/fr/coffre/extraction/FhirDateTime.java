package fr.coffre.extraction;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/**
 * Parses FHIR {@code dateTime}/{@code instant} values. A time must carry its offset, as FHIR
 * requires; a partial date (year, year-month, date) means the start of that day in Europe/Paris.
 */
final class FhirDateTime {

    private FhirDateTime() {}

    static OffsetDateTime parse(String value, String element) {
        try {
            if (value.contains("T")) {
                return OffsetDateTime.parse(value);
            }
            LocalDate date = switch (value.length()) {
                case 4 -> Year.parse(value).atDay(1);
                case 7 -> YearMonth.parse(value).atDay(1);
                case 10 -> LocalDate.parse(value);
                default -> throw new DocumentContentException(element + " is not a valid FHIR dateTime");
            };
            return date.atStartOfDay(Hl7Time.DEFAULT_ZONE).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            throw new DocumentContentException(element + " is not a valid FHIR dateTime");
        }
    }
}
