package fr.coffre.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Buffers kept for the next uploads, in three sizes: a head that most documents fit in, a middle
 * one for most of the rest, and a whole part. A document's first bytes go into the smallest, and
 * move up a size only when they fill it.
 *
 * <p>Every document used to allocate its head, growing it by copies, for the collector to take
 * back at once; then every one larger than the head took a whole part, a quarter of the bench's
 * mix, more at once than were kept: each new 5 MiB array was zeroed, outlived the young
 * generation's collection while its upload ran, and filled the old one, which the serial collector
 * then compacted every few seconds (docs/benchmarks.md, session 26). A few of each size are kept;
 * past them, buffers are allocated and left to the collector.
 */
@ApplicationScoped
public class PartBuffers {

    /** The head's size: most documents of the realistic mix are smaller (docs/benchmarks.md). */
    static final int HEAD = 256 * 1024;

    /** The middle size: the mix's letters, and most of its PDFs and images, are no larger. */
    static final int MIDDLE = 1024 * 1024;

    private final int size;
    private final int headSize;
    private final int middleSize;
    private final BlockingQueue<byte[]> idle;
    private final BlockingQueue<byte[]> idleMiddles;
    private final BlockingQueue<byte[]> idleHeads;

    @Inject
    public PartBuffers(ObjectStorageConfig config) {
        this(config.partSize(), config.pooledPartBuffers(), config.pooledMiddleBuffers(), config.pooledHeadBuffers());
    }

    public PartBuffers(int size, int kept, int keptMiddles, int keptHeads) {
        this.size = size;
        this.headSize = Math.min(HEAD, size);
        this.middleSize = Math.min(MIDDLE, size);
        this.idle = new ArrayBlockingQueue<>(Math.max(1, kept));
        this.idleMiddles = new ArrayBlockingQueue<>(Math.max(1, keptMiddles));
        this.idleHeads = new ArrayBlockingQueue<>(Math.max(1, keptHeads));
    }

    /** The size of every part buffer: one upload part. */
    public int size() {
        return size;
    }

    public byte[] take() {
        return take(idle, size);
    }

    /** A buffer for a document's first bytes, the smallest size. */
    public byte[] takeHead() {
        return take(idleHeads, headSize);
    }

    /**
     * The next size up from {@code full}, holding its first {@code length} bytes; {@code full} is
     * given back. A part is the largest size: it is returned as it is.
     */
    public byte[] grow(byte[] full, int length) {
        if (full.length >= size) {
            return full;
        }
        byte[] larger = full.length < middleSize ? take(idleMiddles, middleSize) : take();
        System.arraycopy(full, 0, larger, 0, length);
        give(full);
        return larger;
    }

    /** Back for another upload; the caller no longer reads or writes it, nor does any request it started. */
    public void give(byte[] buffer) {
        if (buffer == null) {
            return;
        }
        // Checked from the part down: with a small part size, the sizes coincide.
        if (buffer.length == size) {
            idle.offer(buffer);
        } else if (buffer.length == middleSize) {
            idleMiddles.offer(buffer);
        } else if (buffer.length == headSize) {
            idleHeads.offer(buffer);
        }
    }

    private static byte[] take(BlockingQueue<byte[]> kept, int length) {
        byte[] buffer = kept.poll();
        return buffer != null ? buffer : new byte[length];
    }
}
