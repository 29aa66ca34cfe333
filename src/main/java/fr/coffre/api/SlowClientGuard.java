package fr.coffre.api;

import fr.coffre.ingest.IngestConfig;
import fr.coffre.problem.Problem;
import fr.coffre.problem.ProblemType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.jboss.resteasy.reactive.server.vertx.VertxInputStream;

/**
 * Upload bodies that come too slowly are cut off: a client that sends nothing for
 * {@code coffre.ingest.body-idle-timeout}, or less than {@code min-upload-rate} over the time the
 * upload waited for it, gets 408 and the connection is closed, which frees its place in admission.
 * Only time spent waiting on the client counts, never time Coffre spends storing what it got.
 */
@ApplicationScoped
public class SlowClientGuard {

    private static final long CHECK_EVERY_MILLIS = 500;

    private final Vertx vertx;
    private final IngestConfig config;

    public SlowClientGuard(Vertx vertx, IngestConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /**
     * The request's body, read as it comes and watched; closing the guard ends the watch and the
     * reading.
     */
    public Guarded watch(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        Long limit = routing.get(VertxInputStream.MAX_REQUEST_SIZE_KEY);
        // Past the pace's idle timeout the watch below has already refused the request.
        RequestBodyStream body = new RequestBodyStream(
                request, limit == null ? 0 : limit, config.bodyIdleTimeout().multipliedBy(2));
        Pace pace = new Pace(System::nanoTime, config.bodyIdleTimeout().toNanos(), config.minUploadRate());
        Guarded guarded = new Guarded(body, pace, declaredLength(request));
        guarded.timer = vertx.setPeriodic(CHECK_EVERY_MILLIS, id -> {
            if (pace.tooSlow()) {
                vertx.cancelTimer(id);
                refuse(request);
            }
        });
        return guarded;
    }

    // A chunked body's length is known only at its end, and an encoded one (were the server to
    // decompress bodies) may grow past what it declares.
    private static OptionalLong declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (length == null
                || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || (encoding != null && !encoding.equalsIgnoreCase("identity"))) {
            return OptionalLong.empty();
        }
        try {
            long declared = Long.parseLong(length.trim());
            return declared < 0 ? OptionalLong.empty() : OptionalLong.of(declared);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private void refuse(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (!response.ended() && !response.headWritten()) {
            Problem problem = Problem.of(
                    ProblemType.REQUEST_TIMEOUT,
                    "The body came slower than " + config.minUploadRate() + " bytes per second, or stopped for "
                            + config.bodyIdleTimeout().toSeconds() + " s; nothing of this request was kept beyond "
                            + "what was already acknowledged. Send it again.");
            response.setStatusCode(ProblemType.REQUEST_TIMEOUT.status())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader("Connection", "close")
                    .end(JsonObject.mapFrom(problem).encode());
        }
        // The upload's thread, blocked reading, fails at once and gives its place back.
        request.connection().close();
    }

    /** The body, watched. */
    public final class Guarded implements AutoCloseable {

        private final RequestBodyStream body;
        private final InputStream stream;
        private final OptionalLong length;
        private long timer = -1;

        Guarded(RequestBodyStream body, Pace pace, OptionalLong length) {
            this.body = body;
            this.length = length;
            this.stream = new FilterInputStream(body) {
                @Override
                public int read() throws IOException {
                    pace.waiting();
                    int b = -1;
                    try {
                        b = super.read();
                        return b;
                    } finally {
                        pace.received(b < 0 ? 0 : 1);
                    }
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    pace.waiting();
                    int n = -1;
                    try {
                        n = super.read(buffer, offset, length);
                        return n;
                    } finally {
                        pace.received(Math.max(0, n));
                    }
                }
            };
        }

        public InputStream stream() {
            return stream;
        }

        /** The body's length as the request declares it (Content-Length), unless it comes chunked or encoded. */
        public OptionalLong length() {
            return length;
        }

        @Override
        public void close() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            body.close();
        }
    }

    /** How fast a client sends, over the time spent waiting for it. */
    static final class Pace {

        private final LongSupplier clock;
        private final long idleTimeoutNanos;
        private final long minBytesPerSecond;
        private volatile long waitingSince;
        private long waitedNanos;
        private long bytes;

        Pace(LongSupplier clock, long idleTimeoutNanos, long minBytesPerSecond) {
            this.clock = clock;
            this.idleTimeoutNanos = idleTimeoutNanos;
            this.minBytesPerSecond = minBytesPerSecond;
        }

        void waiting() {
            waitingSince = clock.getAsLong();
        }

        synchronized void received(int count) {
            long since = waitingSince;
            waitingSince = 0;
            if (since != 0) {
                waitedNanos += clock.getAsLong() - since;
            }
            bytes += count;
        }

        synchronized boolean tooSlow() {
            long since = waitingSince;
            long now = clock.getAsLong();
            long current = since == 0 ? 0 : now - since;
            if (current > idleTimeoutNanos) {
                return true;
            }
            long waited = waitedNanos + current;
            return waited > idleTimeoutNanos && bytes * 1_000_000_000L / waited < minBytesPerSecond;
        }
    }
}
