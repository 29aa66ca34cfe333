package fr.coffre.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The blocks that uploads hold their parts in ({@link PartBytes}), kept between uploads: a part
 * takes as many as its bytes fill, so a document takes memory in proportion to its size.
 *
 * <p>Parts used to be single arrays in three sizes (256 KiB, 1 MiB and the part, 5 MiB), a few of
 * each kept. Every document larger than 1 MiB took a whole part, two if larger than one, and the
 * largest uploads last longest: under the bench's mix more parts were in use at once than were
 * kept, each new one outlived the young collection while its upload ran, was too large for a
 * survivor space and went whole to the old generation, which then filled every few seconds
 * (docs/benchmarks.md, sessions 26 and 29). Blocks are kept in one count; past it, they are
 * allocated and left to the collector, a quarter of a megabyte at a time.
 */
@ApplicationScoped
public class PartBuffers {

    /** The blocks' size: most documents of the realistic mix fit in one (docs/benchmarks.md). */
    static final int BLOCK = 256 * 1024;

    private final int size;
    private final int blockSize;
    private final BlockingQueue<byte[]> idle;

    @Inject
    public PartBuffers(ObjectStorageConfig config) {
        this(config.partSize(), config.pooledBlocks());
    }

    public PartBuffers(int size, int kept) {
        this.size = size;
        this.blockSize = Math.min(BLOCK, size);
        this.idle = new ArrayBlockingQueue<>(Math.max(1, kept));
    }

    /** The most one part holds: one upload part. */
    public int size() {
        return size;
    }

    /**
     * The most that one upload's parts hold at once, for a body of that length when it is known:
     * the head, and for a document larger than a part also the part read while the head is stored.
     * A body of at most a part holds only the blocks its bytes fill, and holds them in the head.
     */
    public long heldAtMostBy(OptionalLong bodyLength) {
        if (bodyLength.isEmpty() || bodyLength.getAsLong() > size) {
            return 2L * size;
        }
        long blocks = Math.max(1, (bodyLength.getAsLong() + blockSize - 1) / blockSize);
        return blocks * blockSize;
    }

    /** A part holding nothing yet, for {@link PartBytes#fill}. */
    public PartBytes part() {
        return new PartBytes(this);
    }

    int blockSize() {
        return blockSize;
    }

    byte[] take() {
        byte[] block = idle.poll();
        return block != null ? block : new byte[blockSize];
    }

    /** Back for another upload; nothing reads or writes it any more, nor does any request that was sending it. */
    void give(byte[] block) {
        if (block.length == blockSize) {
            idle.offer(block);
        }
    }
}
