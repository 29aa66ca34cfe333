package fr.coffre.event;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Why and when a {@link DocumentStored} event is sent again, on the retry or the dead-letter topic:
 * carried in the record's headers beside the unchanged event. {@code attempt} counts the attempts
 * already made, {@code notBefore} is the epoch millisecond before which a retry must wait (0 for a
 * dead letter), {@code reason} the last failure, safe to log (no patient data, no content).
 */
public record Redelivery(int attempt, long notBefore, String reason) {

    public static final String ATTEMPT = "coffre-attempt";
    public static final String NOT_BEFORE = "coffre-not-before";
    public static final String REASON = "coffre-reason";

    /** A fresh event's: no attempt yet. */
    public static final Redelivery FIRST = new Redelivery(0, 0, null);

    public void writeTo(Headers headers) {
        headers.add(ATTEMPT, String.valueOf(attempt).getBytes(StandardCharsets.UTF_8));
        headers.add(NOT_BEFORE, String.valueOf(notBefore).getBytes(StandardCharsets.UTF_8));
        if (reason != null) {
            headers.add(REASON, reason.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What a record's headers say; a missing or unreadable attempt counts as one (it was redelivered). */
    public static Redelivery readFrom(Headers headers) {
        return new Redelivery(
                (int) number(headers, ATTEMPT, 1L), number(headers, NOT_BEFORE, 0L), text(headers, REASON));
    }

    /** The last value of a header as text, or null. */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long number(Headers headers, String name, long fallback) {
        String value = text(headers, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
