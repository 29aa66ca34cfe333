package fr.coffre.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps INS numbers out of the HTTP spans: a professional names the patient in the path
 * ({@code /api/v1/patients/{ins}}) and an MHD search in the query ({@code patient.identifier}), and
 * the HTTP server's instrumentation copies both into the span it starts. Every INS-shaped run of
 * characters there is replaced before anything else sees the span; tracing is on at the operator's
 * choice, and a trace backend is no place for a national health identifier.
 */
@Singleton
public class InsRedaction implements SpanProcessor {

    static final String REDACTED = "***";
    // 13 characters of number (digits, or 2A / 2B for Corsica at the department), 2 of key; not
    // inside a longer run of digits.
    private static final Pattern INS = Pattern.compile("(?<![0-9])[0-9]{5}(?:[0-9]{2}|2[ABab])[0-9]{8}(?![0-9])");
    private static final List<AttributeKey<String>> WHERE = List.of(
            AttributeKey.stringKey("url.path"),
            AttributeKey.stringKey("url.query"),
            AttributeKey.stringKey("url.full"),
            AttributeKey.stringKey("http.target"),
            AttributeKey.stringKey("http.url"));

    /** The text with every INS-shaped run replaced. */
    public static String redact(String text) {
        return text == null ? null : INS.matcher(text).replaceAll(REDACTED);
    }

    @Override
    public void onStart(Context parent, ReadWriteSpan span) {
        for (AttributeKey<String> key : WHERE) {
            String value = span.getAttribute(key);
            if (value != null) {
                String redacted = redact(value);
                if (!redacted.equals(value)) {
                    span.setAttribute(key, redacted);
                }
            }
        }
        String name = span.getName();
        String redactedName = redact(name);
        if (!redactedName.equals(name)) {
            span.updateName(redactedName);
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
