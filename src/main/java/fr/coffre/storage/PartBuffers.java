package fr.coffre.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Part-sized buffers kept for the next large upload. A 5 MiB array is a humongous object to the
 * G1 collector: allocating one or more per large document started a concurrent collection cycle
 * each time (76 in 98 s under the bench). A few are kept; past them, buffers are allocated and left
 * to the collector as before.
 */
@ApplicationScoped
public class PartBuffers {

    private final int size;
    private final BlockingQueue<byte[]> idle;

    @Inject
    public PartBuffers(ObjectStorageConfig config) {
        this(config.partSize(), config.pooledPartBuffers());
    }

    public PartBuffers(int size, int kept) {
        this.size = size;
        this.idle = new ArrayBlockingQueue<>(Math.max(1, kept));
    }

    /** The size of every buffer: one upload part. */
    public int size() {
        return size;
    }

    public byte[] take() {
        byte[] buffer = idle.poll();
        return buffer != null ? buffer : new byte[size];
    }

    /** Back for another upload; the caller no longer reads or writes it, nor does any request it started. */
    public void give(byte[] buffer) {
        if (buffer != null && buffer.length == size) {
            idle.offer(buffer);
        }
    }
}
