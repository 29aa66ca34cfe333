package fr.coffre.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
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
                HEAD_SIZE - 1,
                HEAD_SIZE,
                HEAD_SIZE + 1,
                HEAD_SIZE + 700_000
            })
    void theHeadHoldsThePartThatFitsAndTheRestStreamsEveryOtherByteOnce(int size) throws Exception {
        byte[] document = new byte[size];
        new Random(size).nextBytes(document);

        PartBuffers buffers = new PartBuffers(HEAD_SIZE, 2, 2);
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

        head.release();
        head.release();
        // A document that fills the head buffer may go on: it is read on into a part.
        if (size >= PartBuffers.HEAD) {
            assertTrue(head.bytes() == buffers.take(), "a head that fills the head buffer holds a part, given back");
            assertFalse(head.bytes() == buffers.take(), "given back once, however often released");
        } else {
            assertTrue(head.bytes() == buffers.takeHead(), "a small head is a head buffer, given back");
            assertFalse(head.bytes() == buffers.takeHead(), "given back once, however often released");
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
