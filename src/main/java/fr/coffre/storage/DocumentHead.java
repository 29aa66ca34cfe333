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
    private final PartBytes bytes;
    private final int length;
    private final boolean complete;
    private final String partSha256;
    private boolean hashed;
    private boolean released;

    private DocumentHead(HashingInputStream hashing, PartBytes bytes, boolean complete, String partSha256) {
        this.hashing = hashing;
        this.bytes = bytes;
        this.length = bytes.length();
        this.complete = complete;
        this.partSha256 = partSha256;
        this.hashed = !complete;
    }

    /**
     * Reads up to one part ({@link PartBuffers#size()}) of the body, into as many pooled blocks as
     * it fills. The caller {@link #release()}s the head once nothing reads its bytes any more.
     */
    public static DocumentHead read(InputStream body, PartBuffers buffers, long maxSize) throws IOException {
        PushbackInputStream source = new PushbackInputStream(body, 1);
        HashingInputStream hashing = new HashingInputStream(source, maxSize);
        PartBytes bytes = buffers.part();
        try {
            int length = bytes.fill(hashing);
            boolean complete = true;
            if (length == buffers.size()) {
                int next = source.read();
                if (next >= 0) {
                    source.unread(next);
                    complete = false;
                }
            }
            String partSha256 = null;
            if (!complete) {
                // The first part of a larger document, whose signature names this hash: taken as the
                // document's own goes on over the rest, where hashing the part again costs 4 ms per 5 MiB.
                hashing.startHashing(bytes);
                partSha256 = hashing.sha256SoFar();
            }
            return new DocumentHead(hashing, bytes, complete, partSha256);
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
        return complete ? InputStream.nullInputStream() : hashing;
    }

    /** Bytes read from the body so far; the size once {@link #rest()} has been read to its end. */
    public long count() {
        return hashing.count();
    }

    /**
     * The SHA-256 of the body, once it has been read to its end. A complete head is hashed only
     * when this is first asked, before its release: most documents declare their hash, which
     * object storage checks their bytes against, and need no other (docs/benchmarks.md, session 37).
     */
    public String sha256() {
        if (!hashed) {
            if (released) {
                throw new IllegalStateException("a head's bytes are hashed before they are released");
            }
            hashing.startHashing(bytes);
            hashed = true;
        }
        return hashing.sha256();
    }
}
