package fr.coffre.extraction;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * Fails once more than its limit has been written, with the failure its caller names: decoded
 * payloads are bounded by what they decode to, not by what they were sent as.
 */
public final class BoundedOutputStream extends FilterOutputStream {

    private final long limit;
    private final Supplier<? extends RuntimeException> past;
    private long written;

    public BoundedOutputStream(OutputStream out, long limit, Supplier<? extends RuntimeException> past) {
        super(out);
        this.limit = limit;
        this.past = past;
    }

    @Override
    public void write(int b) throws IOException {
        count(1);
        out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        count(length);
        out.write(bytes, offset, length);
    }

    private void count(long n) {
        written += n;
        if (written > limit) {
            throw past.get();
        }
    }
}
