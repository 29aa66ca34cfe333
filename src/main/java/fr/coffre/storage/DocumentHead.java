package fr.coffre.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * The first bytes of a document, read before anything is stored so that its type, header and
 * patient can be checked first. It holds at most one upload part, never the whole of a larger
 * document: {@link #rest()} streams what follows it.
 */
public final class DocumentHead {

    private final HashingInputStream hashing;
    private final InputStream rest;
    private final PartBytes bytes;
    private final int length;
    private final boolean complete;
    private final String partSha256;
    private boolean released;

    private DocumentHead(
            HashingInputStream hashing, InputStream rest, PartBytes bytes, boolean complete, String partSha256) {
        this.partSha256 = partSha256;
        this.hashing = hashing;
        this.rest = rest;
        this.bytes = bytes;
        this.length = bytes.length();
        this.complete = complete;
    }

    /**
     * Reads up to one part ({@link PartBuffers#size()}) of the body, into as many pooled blocks as
     * it fills. The caller {@link #release()}s the head once nothing reads its bytes any more.
     */
    public static DocumentHead read(InputStream body, PartBuffers buffers, long maxSize) throws IOException {
        HashingInputStream hashing = new HashingInputStream(body, maxSize);
        PushbackInputStream rest = new PushbackInputStream(hashing, 1);
        PartBytes bytes = buffers.part();
        try {
            int length = bytes.fill(rest);
            boolean complete = true;
            String partSha256 = null;
            if (length == buffers.size()) {
                // Taken before the next byte is: the head is the first part of a larger document,
                // whose signature names this hash, and hashing the part again costs 4 ms per 5 MiB.
                partSha256 = hashing.sha256SoFar();
                int next = rest.read();
                if (next >= 0) {
                    rest.unread(next);
                    complete = false;
                }
            }
            return new DocumentHead(hashing, rest, bytes, complete, complete ? null : partSha256);
        } catch (IOException | RuntimeException e) {
            bytes.release();
            throw e;
        }
    }

    /**
     * Gives its blocks back to the pool, once: given twice, two uploads would share them. The head
     * must not be read afterwards.
     */
    public void release() {
        if (!released) {
            released = true;
            bytes.release();
        }
    }

    /** The head's bytes; once the upload of a larger document has used them for its later parts, no longer its first. */
    public PartBytes bytes() {
        return bytes;
    }

    /** The bytes read into the head. */
    public int length() {
        return length;
    }

    /** True when the head is the whole document. */
    public boolean complete() {
        return complete;
    }

    /** The SHA-256 of the head's bytes alone when it is not {@link #complete()}: its document's first part's. */
    public String partSha256() {
        return partSha256;
    }

    public InputStream headStream() {
        return bytes.stream();
    }

    /** What of the body follows the head: nothing when the head is {@link #complete()}. */
    public InputStream rest() {
        return complete ? InputStream.nullInputStream() : rest;
    }

    /** Bytes read from the body so far; the size once {@link #rest()} has been read to its end. */
    public long count() {
        return hashing.count();
    }

    /** The SHA-256 of the body, once it has been read to its end (at once for a complete head). */
    public String sha256() {
        return hashing.sha256();
    }
}
