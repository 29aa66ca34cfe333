package fr.coffre.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Up to one part of a document's bytes, in blocks of {@link PartBuffers}: as many as the bytes
 * fill, taken as they come and given back when fewer are needed, so that a part filled again for
 * the next one keeps the blocks it has. Read and written by one upload's thread at a time, and by
 * the PUT that sends it while the upload waits for that PUT.
 */
public final class PartBytes {

    private final PartBuffers pool;
    private final List<byte[]> blocks = new ArrayList<>();
    private int length;

    PartBytes(PartBuffers pool) {
        this.pool = pool;
    }

    /**
     * Replaces what the part held with the next bytes of {@code in}, up to a whole part or the
     * end of {@code in}, whichever comes first.
     *
     * @return the bytes now held: fewer than a part only when {@code in} has ended
     */
    public int fill(InputStream in) throws IOException {
        int capacity = pool.size();
        length = 0;
        for (int i = 0; length < capacity; i++) {
            int wanted = Math.min(pool.blockSize(), capacity - length);
            int read;
            if (i < blocks.size()) {
                read = in.readNBytes(blocks.get(i), 0, wanted);
            } else {
                // A block is taken only once a byte has come for it.
                int next = in.read();
                if (next < 0) {
                    break;
                }
                byte[] block = pool.take();
                blocks.add(block);
                block[0] = (byte) next;
                read = 1 + in.readNBytes(block, 1, wanted - 1);
            }
            length += read;
            if (read < wanted) {
                break;
            }
        }
        int needed = (int) ((length + (long) pool.blockSize() - 1) / pool.blockSize());
        while (blocks.size() > needed) {
            pool.give(blocks.removeLast());
        }
        return length;
    }

    public int length() {
        return length;
    }

    /** The first block: the first bytes, as many as {@link #firstLength()}. */
    public byte[] first() {
        return blocks.isEmpty() ? new byte[0] : blocks.getFirst();
    }

    public int firstLength() {
        return blocks.isEmpty() ? 0 : lengthOf(0);
    }

    public InputStream stream() {
        List<InputStream> streams = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            streams.add(new ByteArrayInputStream(blocks.get(i), 0, lengthOf(i)));
        }
        return new SequenceInputStream(Collections.enumeration(streams));
    }

    void digest(MessageDigest digest) {
        for (int i = 0; i < blocks.size(); i++) {
            digest.update(blocks.get(i), 0, lengthOf(i));
        }
    }

    int blockCount() {
        return blocks.size();
    }

    byte[] block(int i) {
        return blocks.get(i);
    }

    /** The bytes of block {@code i} that are the part's: all of it but for the last one. */
    int lengthOf(int i) {
        return Math.min(pool.blockSize(), length - i * pool.blockSize());
    }

    /** Gives the blocks back to the pool; the part then holds nothing, and may be filled again. */
    public void release() {
        blocks.forEach(pool::give);
        blocks.clear();
        length = 0;
    }
}
