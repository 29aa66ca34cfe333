package fr.coffre.storage;

import static fr.coffre.testing.Uploads.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentHeadTest {

    private static final int PART = 5 * 1024 * 1024;
    private static final int BLOCK = PartBuffers.BLOCK;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(
            ints = {0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 300_000, 3 * BLOCK, PART - 1, PART, PART + 1, PART + 700_000})
    void theHeadHoldsThePartThatFitsInTheBlocksItFillsAndTheRestStreamsEveryOtherByteOnce(int size) throws Exception {
        byte[] document = new byte[size];
        new Random(size).nextBytes(document);

        PartBuffers buffers = new PartBuffers(PART, 64);
        DocumentHead head = DocumentHead.read(new ByteArrayInputStream(document), buffers, Long.MAX_VALUE);

        int expectedHead = Math.min(size, PART);
        assertEquals(expectedHead, head.length());
        assertArrayEquals(
                Arrays.copyOf(document, expectedHead), head.headStream().readAllBytes());
        assertEquals(size <= PART, head.complete(), "complete only when nothing is left");
        assertEquals(
                head.complete() ? null : sha256(Arrays.copyOf(document, PART)),
                head.partSha256(),
                "the first part's own hash, for a document that goes on");
        try (InputStream whole = new SequenceInputStream(head.headStream(), head.rest())) {
            assertArrayEquals(document, whole.readAllBytes());
        }
        assertEquals(size, head.count());
        assertEquals(sha256(document), head.sha256());

        // As many blocks as the head's bytes fill, none taken for an end that falls on a block's boundary.
        int blocks = (expectedHead + BLOCK - 1) / BLOCK;
        assertEquals(blocks, head.bytes().blockCount(), "the blocks held");
        assertTrue(
                (long) blocks * BLOCK <= buffers.heldAtMostBy(OptionalLong.of(size)),
                "no more than admission counts for a body of that length");
        Set<byte[]> held = blocksOf(head.bytes());
        head.release();
        head.release();
        Set<byte[]> takenAgain = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < blocks; i++) {
            takenAgain.add(buffers.take());
        }
        assertEquals(held, takenAgain, "each given back");
        assertFalse(held.contains(buffers.take()), "given back once, however often released");
    }

    @Test
    void aCompleteHeadIsHashedBeforeItsReleaseOrNotAtAll() throws Exception {
        byte[] document = new byte[300_000];
        new Random(7).nextBytes(document);
        PartBuffers buffers = new PartBuffers(PART, 64);

        DocumentHead hashed = DocumentHead.read(new ByteArrayInputStream(document), buffers, Long.MAX_VALUE);
        String sha256 = hashed.sha256();
        hashed.release();
        assertEquals(sha256(document), sha256);
        assertEquals(sha256, hashed.sha256(), "kept once taken");

        DocumentHead released = DocumentHead.read(new ByteArrayInputStream(document), buffers, Long.MAX_VALUE);
        released.release();
        // Its blocks may hold another upload's bytes by now: no hash rather than a wrong one.
        assertThrows(IllegalStateException.class, released::sha256);
    }

    @Test
    void admissionCountsABodyOfUnknownLengthOrLargerThanAPartForTwoPartsAndASmallerOneForTheBlocksItFills() {
        PartBuffers buffers = new PartBuffers(PART, 64);

        assertEquals(2L * PART, buffers.heldAtMostBy(OptionalLong.empty()), "a chunked body may be any size");
        assertEquals(2L * PART, buffers.heldAtMostBy(OptionalLong.of(PART + 1)));
        assertEquals(PART, buffers.heldAtMostBy(OptionalLong.of(PART)));
        assertEquals(BLOCK, buffers.heldAtMostBy(OptionalLong.of(163_000)), "the mix's average document");
        assertEquals(2L * BLOCK, buffers.heldAtMostBy(OptionalLong.of(BLOCK + 1)));
    }

    @Test
    void aPartFilledAgainKeepsTheBlocksItNeedsAndGivesBackTheOthers() throws Exception {
        PartBuffers buffers = new PartBuffers(PART, 64);
        PartBytes part = buffers.part();
        byte[] first = new byte[PART];
        byte[] second = new byte[2 * BLOCK + 10];
        new Random(1).nextBytes(first);
        new Random(2).nextBytes(second);

        assertEquals(PART, part.fill(new ByteArrayInputStream(first)));
        List<byte[]> blocks = new ArrayList<>();
        for (int i = 0; i < part.blockCount(); i++) {
            blocks.add(part.block(i));
        }
        assertEquals(second.length, part.fill(new ByteArrayInputStream(second)));

        assertEquals(3, part.blockCount());
        for (int i = 0; i < 3; i++) {
            assertSame(blocks.get(i), part.block(i), "kept in its place");
        }
        assertArrayEquals(second, part.stream().readAllBytes());
        assertEquals(10, part.lengthOf(2));
        assertArrayEquals(Arrays.copyOf(second, BLOCK), Arrays.copyOf(part.first(), part.firstLength()));
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        part.digest(digest);
        assertEquals(sha256(second), HexFormat.of().formatHex(digest.digest()));
        assertTrue(blocks.subList(3, blocks.size()).contains(buffers.take()), "the others given back");
    }

    @Test
    void aSmallPartSizeCapsTheBlocksSize() throws Exception {
        PartBuffers buffers = new PartBuffers(100_000, 4);
        PartBytes part = buffers.part();

        assertEquals(100_000, part.fill(new ByteArrayInputStream(new byte[250_000])));
        assertEquals(1, part.blockCount());
        assertEquals(100_000, part.block(0).length);
    }

    @Test
    void thePoolKeepsNoMoreBlocksThanItsCount() {
        PartBuffers buffers = new PartBuffers(PART, 2);
        byte[] a = buffers.take();
        byte[] b = buffers.take();
        byte[] c = buffers.take();
        buffers.give(a);
        buffers.give(b);
        buffers.give(c);

        assertSame(a, buffers.take());
        assertSame(b, buffers.take());
        byte[] next = buffers.take();
        assertFalse(next == a || next == b || next == c, "the third was left to the collector");
    }

    private static Set<byte[]> blocksOf(PartBytes part) {
        Set<byte[]> blocks = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < part.blockCount(); i++) {
            blocks.add(part.block(i));
        }
        return blocks;
    }
}
