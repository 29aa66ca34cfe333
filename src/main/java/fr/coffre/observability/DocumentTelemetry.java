package fr.coffre.observability;

import io.opentelemetry.api.common.AttributeKey;
import java.util.UUID;
import org.jboss.logging.MDC;

/**
 * How a document is named in logs and traces: by Coffre's document id only, which says nothing
 * about the patient or the content (never an INS, a producer's unique id or a title).
 */
public final class DocumentTelemetry {

    /** MDC key of the document a log line is about (a JSON log field under {@code mdc}). */
    public static final String MDC_KEY = "documentId";
    /** Span attribute of the document a span handled. */
    public static final AttributeKey<String> ATTRIBUTE = AttributeKey.stringKey("coffre.document.id");

    private DocumentTelemetry() {}

    /** Puts the document id in the MDC of the log lines written until the scope closes, then restores the previous one. */
    public static LogScope inLogs(UUID documentId) {
        Object previous = MDC.put(MDC_KEY, documentId.toString());
        return () -> {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        };
    }

    @FunctionalInterface
    public interface LogScope extends AutoCloseable {
        @Override
        void close();
    }
}
