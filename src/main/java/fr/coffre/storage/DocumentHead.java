package fr.coffre.storage;

import java.io.ByteArrayInputStream;
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
    private final byte[] bytes;
    private final int length;
    private final boolean complete;
    private final String partSha256;
    private final PartBuffers pool;
    private boolean released;

    private DocumentHead(
            HashingInputStream hashing,
            InputStream rest,
            byte[] bytes,
            int length,
            boolean complete,
            String partSha256,
            PartBuffers pool) {
        this.pool = pool;
        this.partSha256 = partSha256;
        this.hashing = hashing;
        this.rest = rest;
        this.bytes = bytes;
        this.length = length;
        this.complete = complete;
    }

    /**
     * Reads up to one part ({@link PartBuffers#size()}) of the body: into a pooled head buffer, then
     * into the next size up each time it does not fit. The caller {@link #release()}s the head once nothing reads
     * its bytes any more.
     */
    public static DocumentHead read(InputStream body, PartBuffers buffers, long maxSize) throws IOException {
        int headSize = buffers.size();
        HashingInputStream hashing = new HashingInputStream(body, maxSize);
        PushbackInputStream rest = new PushbackInputStream(hashing, 1);
        byte[] bytes = buffers.takeHead();
        try {
            int length = rest.readNBytes(bytes, 0, bytes.length);
            while (length == bytes.length && bytes.length < headSize) {
                bytes = buffers.grow(bytes, length);
                length += rest.readNBytes(bytes, length, bytes.length - length);
            }
            boolean complete = true;
            String partSha256 = null;
            if (length == headSize) {
                // Taken before the next byte is: the head is the first part of a larger document,
                // whose signature names this hash, and hashing the part again costs 4 ms per 5 MiB.
                partSha256 = hashing.sha256SoFar();
                int next = rest.read();
                if (next >= 0) {
                    rest.unread(next);
                    complete = false;
                }
            }
            return new DocumentHead(hashing, rest, bytes, length, complete, complete ? null : partSha256, buffers);
        } catch (IOException | RuntimeException e) {
            buffers.give(bytes);
            throw e;
        }
    }

    /**
     * Gives its buffer back to the pool, once: given twice, two uploads would share it. The head
     * must not be read afterwards.
     */
    public void release() {
        if (!released) {
            released = true;
            pool.give(bytes);
        }
    }

    public byte[] bytes() {
        return bytes;
    }

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
        return new ByteArrayInputStream(bytes, 0, length);
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
