package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Hl7TimeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // every precision, without offset: Europe/Paris, winter time
        "2024,                  2024-01-01T00:00+01:00",
        "202402,                2024-02-01T00:00+01:00",
        "20240215,              2024-02-15T00:00+01:00",
        "2024021513,            2024-02-15T13:00+01:00",
        "202402151342,          2024-02-15T13:42+01:00",
        "20240215134205,        2024-02-15T13:42:05+01:00",
        "20240215134205.1,      2024-02-15T13:42:05.1+01:00",
        "20240215134205.12,     2024-02-15T13:42:05.12+01:00",
        "20240215134205.123,    2024-02-15T13:42:05.123+01:00",
        "20240215134205.1234,   2024-02-15T13:42:05.1234+01:00",
        // Europe/Paris, summer time
        "20240715,              2024-07-15T00:00+02:00",
        "20240715134205,        2024-07-15T13:42:05+02:00",
        // explicit offsets, at every precision
        "2024+0000,             2024-01-01T00:00Z",
        "20000407+0100,         2000-04-07T00:00+01:00",
        "2024021513-0500,       2024-02-15T13:00-05:00",
        "201409171904-0500,     2014-09-17T19:04-05:00",
        "20240715134205+0100,   2024-07-15T13:42:05+01:00",
        "20240715134205.5+0530, 2024-07-15T13:42:05.5+05:30",
        "20240715134205-0000,   2024-07-15T13:42:05Z",
    })
    void parsesEveryPrecisionAndOffset(String value, String expected) {
        assertEquals(OffsetDateTime.parse(expected), Hl7Time.parse(value));
    }

    @Test
    void readsValuesWithoutOffsetInParisWinterAndSummerTime() {
        assertEquals("+01:00", Hl7Time.parse("20241225093000").getOffset().getId());
        assertEquals("+02:00", Hl7Time.parse("20240621093000").getOffset().getId());
        // the hour after the switch to summer time
        assertEquals("+02:00", Hl7Time.parse("2024033103").getOffset().getId());
        assertEquals("+01:00", Hl7Time.parse("2024033101").getOffset().getId());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "abc",
                "24",
                "202",
                "20241",
                "2024-07-15",
                "20240715T1342",
                "20241301",
                "20240230",
                "2024071525",
                "202407151360",
                "20240715134260",
                "202407151342.1",
                "20240715134205.",
                "20240715134205.12345",
                "20240715+01",
                "20240715+01:00",
                "20240715+2500",
                "20240715+0160",
                "20240715 ",
                "２０２４"
            })
    void refusesInvalidValues(String value) {
        DocumentContentException e = assertThrows(DocumentContentException.class, () -> Hl7Time.parse(value));

        assertEquals("not a valid HL7 timestamp", e.getMessage());
    }

    @Test
    void refusesAMissingValue() {
        assertThrows(DocumentContentException.class, () -> Hl7Time.parse(null));
    }
}
