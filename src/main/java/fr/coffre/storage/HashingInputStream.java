package fr.coffre.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts the bytes read through it, stops a stream past its size limit, and hashes them (SHA-256)
 * from when it is told to: a document that fits in its head may never need a hash of its own, when
 * its producer declared one that object storage checks its bytes against.
 */
public final class HashingInputStream extends FilterInputStream {

    private final MessageDigest digest;
    private final long limit;
    private long count;
    private boolean hashing;
    private String sha256;

    public HashingInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Hashes {@code readSoFar}, every byte read through this stream until now, then every byte read after it. */
    void startHashing(PartBytes readSoFar) {
        if (hashing || readSoFar.length() != count) {
            throw new IllegalStateException("the bytes hashed first are those read so far, once");
        }
        readSoFar.digest(digest);
        hashing = true;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            if (hashing) {
                digest.update((byte) b);
            }
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            if (hashing) {
                digest.update(buffer, offset, n);
            }
            counted(n);
        }
        return n;
    }

    private void counted(int n) throws SizeLimitExceededException {
        count += n;
        if (count > limit) {
            throw new SizeLimitExceededException(limit);
        }
    }

    public long count() {
        return count;
    }

    /** The hex SHA-256 of what has been read so far; the stream may be read further. */
    public String sha256SoFar() {
        hashed();
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("The JDK's SHA-256 can be cloned", e);
        }
    }

    /** The hex SHA-256 of everything read; once asked, the stream must not be read further. */
    public String sha256() {
        hashed();
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }

    private void hashed() {
        if (!hashing) {
            throw new IllegalStateException("the stream was never told to hash what it reads");
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Raised as soon as a stream crosses its limit, before the excess is stored anywhere. */
    public static final class SizeLimitExceededException extends IOException {
        private final long limit;

        public SizeLimitExceededException(long limit) {
            super("more than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }
}
