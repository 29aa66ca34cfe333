package fr.coffre.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentHeadTest {

    private static final int HEAD_SIZE = 5 * 1024 * 1024;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(
            ints = {
                0,
                1,
                PartBuffers.HEAD - 1,
                PartBuffers.HEAD,
                PartBuffers.HEAD + 1,
                300_000,
                PartBuffers.MIDDLE - 1,
                PartBuffers.MIDDLE,
                PartBuffers.MIDDLE + 1,
                HEAD_SIZE - 1,
                HEAD_SIZE,
                HEAD_SIZE + 1,
                HEAD_SIZE + 700_000
            })
    void theHeadHoldsThePartThatFitsAndTheRestStreamsEveryOtherByteOnce(int size) throws Exception {
        byte[] document = new byte[size];
        new Random(size).nextBytes(document);

        PartBuffers buffers = new PartBuffers(HEAD_SIZE, 2, 2, 2);
        DocumentHead head = DocumentHead.read(new ByteArrayInputStream(document), buffers, Long.MAX_VALUE);

        int expectedHead = Math.min(size, HEAD_SIZE);
        assertEquals(expectedHead, head.length());
        assertArrayEquals(Arrays.copyOf(document, expectedHead), Arrays.copyOf(head.bytes(), head.length()));
        assertEquals(size <= HEAD_SIZE, head.complete(), "complete only when nothing is left");
        assertEquals(
                head.complete() ? null : sha256(Arrays.copyOf(document, HEAD_SIZE)),
                head.partSha256(),
                "the first part's own hash, for a document that goes on");
        try (InputStream whole = new SequenceInputStream(head.headStream(), head.rest())) {
            assertArrayEquals(document, whole.readAllBytes());
        }
        assertEquals(size, head.count());
        assertEquals(sha256(document), head.sha256());

        // The smallest size that holds it, or that it fills without reaching its end: a document
        // of exactly a head's size is read on into a middle buffer to learn that it ends there.
        int tier =
                size < PartBuffers.HEAD ? PartBuffers.HEAD : size < PartBuffers.MIDDLE ? PartBuffers.MIDDLE : HEAD_SIZE;
        assertEquals(tier, head.bytes().length, "the buffer's size");
        head.release();
        head.release();
        assertSame(head.bytes(), takeOfSize(buffers, tier), "given back");
        assertNotSame(head.bytes(), takeOfSize(buffers, tier), "given back once, however often released");
    }

    @Test
    void onlyThePartSizedBufferIsNotGrownFurther() {
        PartBuffers buffers = new PartBuffers(HEAD_SIZE, 1, 1, 1);
        byte[] head = buffers.takeHead();
        head[7] = 42;

        byte[] middle = buffers.grow(head, 8);
        byte[] part = buffers.grow(middle, 8);

        assertEquals(PartBuffers.MIDDLE, middle.length);
        assertEquals(HEAD_SIZE, part.length);
        assertEquals(42, part[7], "what the smaller one held is copied");
        assertSame(part, buffers.grow(part, 8));
        assertSame(head, buffers.takeHead(), "each smaller one given back");
        assertSame(middle, buffers.grow(new byte[PartBuffers.HEAD], 0));
    }

    @Test
    void aSmallPartSizeCapsEverySize() {
        PartBuffers buffers = new PartBuffers(100_000, 1, 1, 1);
        byte[] head = buffers.takeHead();

        assertEquals(100_000, head.length);
        assertSame(head, buffers.grow(head, head.length), "already a whole part");
    }

    private static byte[] takeOfSize(PartBuffers buffers, int size) {
        if (size == PartBuffers.HEAD) {
            return buffers.takeHead();
        }
        return size == PartBuffers.MIDDLE ? buffers.grow(new byte[PartBuffers.HEAD], 0) : buffers.take();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
