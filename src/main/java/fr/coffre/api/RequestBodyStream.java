package fr.coffre.api;

import fr.coffre.storage.HashingInputStream.SizeLimitExceededException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request's body as a blocking stream for an upload's own thread, filled by the event loop ahead
 * of the reader. Quarkus REST's body stream asks the event loop for one chunk at a time (64 KiB at
 * most) and wakes the reader for each: two threads handing work to each other per chunk, about ten
 * times per document of the bench's mix, the largest share of the api's time spent so
 * (docs/benchmarks.md). Here the request flows until {@link #PAUSE_AT} bytes wait unread, and a
 * reader waiting for bytes is woken once what it asked for is there (at most {@link #WAKE_AT}), at
 * the end of the body, on a failure, or after {@link #PATIENCE_NANOS} with whatever has come: a
 * slow client's bytes are never held back from the watch on its pace.
 */
final class RequestBodyStream extends InputStream {

    /** Bytes received and not yet read past which the request is paused (TCP then holds the client). */
    static final int PAUSE_AT = 512 * 1024;

    /** The most a waiting reader waits for before it is woken: its read's length, up to this. */
    static final int WAKE_AT = 256 * 1024;

    /** How long a waiting reader waits for the bytes it asked for before it takes what has come. */
    static final long PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final HttpServerRequest request;
    private final long maxBytes;
    private final long idleNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Buffer> chunks = new ArrayDeque<>();
    private final boolean continueExpected;
    private boolean started;
    private Buffer current;
    private int position;
    private long buffered;
    private long received;
    private long wanted = Long.MAX_VALUE;
    private boolean paused;
    private boolean ended;
    private IOException failure;
    private boolean closed;
    private Context context;

    /**
     * @param request  paused, its body unread (Quarkus REST pauses every request it routes)
     * @param maxBytes the most the body may hold (the server's limit), or 0 for no limit
     * @param idle     how long a read may wait for the client's next byte before the body is given up
     */
    RequestBodyStream(HttpServerRequest request, long maxBytes, Duration idle) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.idleNanos = idle.toNanos();
        this.continueExpected = HttpHeaders.CONTINUE.toString().equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
        // Under the connection's monitor, where Vert.x looks for the handler of a closed connection:
        // a client gone before this point would otherwise be noticed by nothing.
        synchronized (request.connection()) {
            if (!((ConnectionBase) request.connection()).channel().isOpen()) {
                failure = new IOException("The client closed its connection before its body was read");
            } else {
                request.handler(this::received);
                request.endHandler(end -> settle(null));
                request.exceptionHandler(e -> settle(e instanceof IOException io ? io : new IOException(e)));
            }
        }
    }

    /** On the event loop. */
    private void received(Buffer chunk) {
        boolean pause = false;
        lock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            received += chunk.length();
            if (maxBytes > 0 && received > maxBytes) {
                // Nothing more is read of a body already refused.
                failure = new SizeLimitExceededException(maxBytes);
                pause = true;
            } else {
                chunks.add(chunk);
                buffered += chunk.length();
                pause = buffered >= PAUSE_AT;
            }
            if (pause) {
                paused = true;
                context = Vertx.currentContext();
            }
            if (buffered >= wanted || failure != null) {
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
        // Outside the lock: Vert.x takes the connection's own. Pausing twice is harmless.
        if (pause) {
            request.pause();
        }
    }

    /** On the event loop: the end of the body, or the failure that ends it. */
    private void settle(IOException e) {
        lock.lock();
        try {
            if (e == null) {
                ended = true;
            } else if (failure == null) {
                failure = e;
            }
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** On the event loop, where pauses are made too, so that a resume never overtakes a later pause. */
    private void resumeUnlessPausedAgain() {
        lock.lock();
        boolean go;
        try {
            go = !paused && !closed;
        } finally {
            lock.unlock();
        }
        if (go) {
            request.resume();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
            return 0;
        }
        if (!started) {
            // Only now: a request refused before its body is read (admission's 503) reads none of it.
            started = true;
            if (continueExpected) {
                request.response().writeContinue();
            }
            request.resume();
        }
        int copied = 0;
        boolean resume = false;
        boolean idle;
        lock.lock();
        try {
            if (closed) {
                throw new IOException("The request body is closed");
            }
            idle = !awaitBytes(Math.min(length, WAKE_AT));
            if (!idle) {
                if (failure != null && buffered == 0) {
                    throw failure;
                }
                while (copied < length && buffered > 0) {
                    if (current == null) {
                        current = chunks.poll();
                        position = 0;
                    }
                    int n = Math.min(length - copied, current.length() - position);
                    current.getBytes(position, position + n, target, offset + copied);
                    position += n;
                    copied += n;
                    buffered -= n;
                    if (position == current.length()) {
                        current = null;
                    }
                }
                if (paused && failure == null && buffered < PAUSE_AT / 2) {
                    paused = false;
                    resume = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (idle) {
            // The guard on the client's pace ends such a request first; this is the backstop.
            request.connection().close();
            throw new IOException("No byte of the request body came for " + idleNanos / 1_000_000 + " ms");
        }
        if (resume) {
            context.runOnContext(v -> resumeUnlessPausedAgain());
        }
        return copied == 0 ? -1 : copied;
    }

    /**
     * Waits, holding the lock, until {@code enough} bytes are buffered, the body ends or fails, or
     * the patience is spent and at least one byte is there; false when no byte came for the idle
     * time.
     */
    private boolean awaitBytes(int enough) throws IOException {
        try {
            wanted = enough;
            long patience = PATIENCE_NANOS;
            while (open() && buffered < enough && patience > 0) {
                patience = arrived.awaitNanos(patience);
            }
            wanted = 1;
            long idle = idleNanos;
            while (open() && buffered == 0) {
                if (idle <= 0) {
                    return false;
                }
                idle = arrived.awaitNanos(idle);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the request body");
        } finally {
            wanted = Long.MAX_VALUE;
        }
    }

    private boolean open() {
        return failure == null && !ended;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, buffered);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets what is buffered, and reads no more: what the client still sends waits in TCP, as it
     * did when the answer went out before Quarkus REST's stream had read the whole body.
     */
    @Override
    public void close() {
        boolean pause;
        lock.lock();
        try {
            closed = true;
            chunks.clear();
            current = null;
            buffered = 0;
            pause = !ended && !paused;
            paused = true;
        } finally {
            lock.unlock();
        }
        if (pause) {
            request.pause();
        }
    }
}
