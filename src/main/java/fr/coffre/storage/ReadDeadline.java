package fr.coffre.storage;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * Fails a request to object storage that has waited longer than the timeout for the server's
 * answer or for the next bytes of its body, as OkHttp's read timeout does, for the MinIO client's
 * requests (set up without that timeout). OkHttp arms Okio's watchdog for each read of at most
 * 8 KiB: it takes a lock, and the watchdog's thread is woken each time. That cost 0.17 ms of CPU
 * per GET of a 166 KB object here, two fifths of the client's CPU for the GET, and the watchdog's
 * thread was 8 % of the worker's CPU while it drained a backlog. Here a read only notes when it
 * started and ended, and one thread looks at the reads under way four times per timeout: a read
 * past its deadline has its call cancelled, which closes the connection, and fails with a
 * {@link SocketTimeoutException} as OkHttp's own would. Like OkHttp's timeout, it counts only time
 * spent waiting in a read: a caller slow to ask for the next bytes (a patient's download streamed
 * to a slow phone) is not cut.
 */
public final class ReadDeadline implements Interceptor, AutoCloseable {

    private final Duration timeout;
    private final long timeoutNanos;
    private final Set<Watched> reading = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService checker;

    public ReadDeadline(Duration timeout) {
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.checker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .daemon()
                .name("coffre-storage-read-deadline")
                .factory());
        long period = Math.max(10, timeout.toMillis() / 4);
        checker.scheduleWithFixedDelay(this::cancelOverdue, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Watched watched = new Watched(chain.call());
        Response response;
        watched.begin();
        try {
            response = chain.proceed(chain.request());
        } catch (IOException e) {
            throw watched.failure(e);
        } finally {
            watched.end();
        }
        ResponseBody body = response.body();
        return body == null
                ? response
                : response.newBuilder().body(new WatchedBody(body, watched)).build();
    }

    private void cancelOverdue() {
        long now = System.nanoTime();
        for (Watched watched : reading) {
            watched.cancelIfStartedBefore(now - timeoutNanos);
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }

    /** One call: whether it is in a read, since when, and whether it was cancelled for it. */
    private final class Watched {
        private final Call call;
        private volatile long since;
        private volatile boolean overdue;

        Watched(Call call) {
            this.call = call;
        }

        void begin() {
            since = System.nanoTime();
            reading.add(this);
        }

        void end() {
            reading.remove(this);
        }

        void cancelIfStartedBefore(long deadline) {
            if (since - deadline < 0 && reading.remove(this)) {
                overdue = true;
                call.cancel();
            }
        }

        IOException failure(IOException e) {
            if (!overdue) {
                return e;
            }
            SocketTimeoutException timedOut = new SocketTimeoutException("object storage sent nothing for " + timeout);
            timedOut.initCause(e);
            return timedOut;
        }
    }

    private static final class WatchedBody extends ResponseBody {
        private final ResponseBody body;
        private final BufferedSource source;

        WatchedBody(ResponseBody body, Watched watched) {
            this.body = body;
            this.source = Okio.buffer(new ForwardingSource(body.source()) {
                @Override
                public long read(Buffer sink, long byteCount) throws IOException {
                    watched.begin();
                    try {
                        return super.read(sink, byteCount);
                    } catch (IOException e) {
                        throw watched.failure(e);
                    } finally {
                        watched.end();
                    }
                }
            });
        }

        @Override
        public MediaType contentType() {
            return body.contentType();
        }

        @Override
        public long contentLength() {
            return body.contentLength();
        }

        @Override
        public BufferedSource source() {
            return source;
        }
    }
}
