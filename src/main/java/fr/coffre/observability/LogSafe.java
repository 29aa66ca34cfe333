package fr.coffre.observability;

import io.minio.errors.ErrorResponseException;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Describes failures for the log without what they may quote. An exception's message can carry
 * a piece of the document or the metadata that caused it (a parser quoting the offending text,
 * {@code For input string: "2790351..."}), so a log line names the exception's class, and its
 * message only for exceptions about Coffre's servers (network, Kafka, S3 error codes, SQL states),
 * which never carry a patient's data.
 */
public final class LogSafe {

    private static final List<String> MESSAGE_SAFE_PACKAGES =
            List.of("java.net.", "java.nio.channels.", "org.apache.kafka.common.errors.", "io.netty.channel.");
    private static final Set<String> MESSAGE_SAFE_CLASSES = Set.of(
            "java.util.concurrent.TimeoutException",
            "io.smallrye.mutiny.TimeoutException",
            "io.vertx.sqlclient.ClosedConnectionException",
            "io.vertx.core.impl.NoStackTraceThrowable",
            "io.vertx.core.http.ConnectionPoolTooBusyException",
            "fr.coffre.extraction.ExtractionUnavailableException",
            "fr.coffre.storage.PendingObjectRepository$ObjectSweptException");

    private LogSafe() {}

    /** The exception and its causes, outermost first: classes, with the messages known to be safe. */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(one(t));
        }
        return text.toString();
    }

    /**
     * A copy of the exception for a log call that prints stack traces: same classes and frames,
     * messages replaced by {@link #describe}'s safe description of each level.
     */
    public static Throwable redacted(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            chain.add(t);
        }
        Throwable copy = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable original = chain.get(i);
            Redacted level = new Redacted(one(original), copy);
            level.setStackTrace(original.getStackTrace());
            copy = level;
        }
        return copy;
    }

    private static String one(Throwable t) {
        String type = t.getClass().getName();
        String safe = safeMessage(t);
        return safe == null ? type : type + ": " + safe;
    }

    private static String safeMessage(Throwable t) {
        if (t instanceof PgException pg) {
            return "SQLSTATE " + pg.getSqlState();
        }
        if (t instanceof ErrorResponseException s3 && s3.errorResponse() != null) {
            return "S3 " + s3.errorResponse().code();
        }
        String type = t.getClass().getName();
        boolean safe = MESSAGE_SAFE_CLASSES.contains(type)
                || MESSAGE_SAFE_PACKAGES.stream().anyMatch(type::startsWith);
        return safe ? t.getMessage() : null;
    }

    /** Stands for an exception in the log: its class and safe message, its frames, no data. */
    static final class Redacted extends RuntimeException {
        Redacted(String description, Throwable cause) {
            super(description, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
