package fr.coffre.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A span's context as one W3C {@code traceparent} value, to carry a trace where OpenTelemetry's own
 * instrumentation cannot: from an upload through its outbox row to the Kafka record the relay sends
 * later, then to the worker that reads that record.
 */
public final class Traceparent {

    /** The W3C header name, also used as the Kafka record header. */
    public static final String HEADER = "traceparent";

    private static final TextMapGetter<String> SINGLE_VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private Traceparent() {}

    /** The current span's traceparent, or null when there is none (tracing disabled, no span). */
    public static String current() {
        if (!Span.current().getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get(HEADER);
    }

    /** A context whose remote parent is that traceparent; the root context (a new trace) when it is null or invalid. */
    public static Context parent(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent.trim(), SINGLE_VALUE);
    }
}
