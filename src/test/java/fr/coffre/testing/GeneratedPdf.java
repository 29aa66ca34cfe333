package fr.coffre.testing;

import java.io.InputStream;

/** A PDF header, then bytes made up on the fly: the test holds no more of it than the service does. */
public final class GeneratedPdf extends InputStream {
    private final byte[] header = Corpus.bytes("pdf/CR-BIO_TSH_rendition.pdf");
    private final long size;
    private long position;
    private long state = 0x9E3779B97F4A7C15L;

    public GeneratedPdf(long size) {
        this.size = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        for (int i = 0; i < n; i++, position++) {
            if (position < header.length) {
                target[offset + i] = header[(int) position];
            } else {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                target[offset + i] = (byte) state;
            }
        }
        return n;
    }
}
