package fr.coffre.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Buffers kept for the next uploads, of two sizes: a head that most documents fit in, and a whole
 * part. A 5 MiB array is a humongous object to the G1 collector: allocating one or more per large
 * document started a concurrent collection cycle each time (76 in 98 s under the bench). And every
 * document used to allocate its head, growing it by copies, for the collector to take back at
 * once. A few of each are kept; past them, buffers are allocated and left to the collector.
 */
@ApplicationScoped
public class PartBuffers {

    /** The head's size: most documents of the realistic mix are smaller (docs/benchmarks.md). */
    static final int HEAD = 256 * 1024;

    private final int size;
    private final int headSize;
    private final BlockingQueue<byte[]> idle;
    private final BlockingQueue<byte[]> idleHeads;

    @Inject
    public PartBuffers(ObjectStorageConfig config) {
        this(config.partSize(), config.pooledPartBuffers(), config.pooledHeadBuffers());
    }

    public PartBuffers(int size, int kept, int keptHeads) {
        this.size = size;
        this.headSize = Math.min(HEAD, size);
        this.idle = new ArrayBlockingQueue<>(Math.max(1, kept));
        this.idleHeads = new ArrayBlockingQueue<>(Math.max(1, keptHeads));
    }

    /** The size of every part buffer: one upload part. */
    public int size() {
        return size;
    }

    public byte[] take() {
        byte[] buffer = idle.poll();
        return buffer != null ? buffer : new byte[size];
    }

    /** A buffer for a document's first bytes, at most a part. */
    public byte[] takeHead() {
        byte[] buffer = idleHeads.poll();
        return buffer != null ? buffer : new byte[headSize];
    }

    /** Back for another upload; the caller no longer reads or writes it, nor does any request it started. */
    public void give(byte[] buffer) {
        if (buffer == null) {
            return;
        }
        if (buffer.length == size) {
            idle.offer(buffer);
        } else if (buffer.length == headSize) {
            idleHeads.offer(buffer);
        }
    }
}
