package fr.coffre.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
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
                DocumentHead.FIRST_BUFFER - 1,
                DocumentHead.FIRST_BUFFER,
                DocumentHead.FIRST_BUFFER + 1,
                300_000,
                HEAD_SIZE - 1,
                HEAD_SIZE,
                HEAD_SIZE + 1,
                HEAD_SIZE + 700_000
            })
    void theHeadHoldsThePartThatFitsAndTheWholeStreamsEveryByteOnce(int size) throws Exception {
        byte[] document = new byte[size];
        new Random(size).nextBytes(document);

        PartBuffers buffers = new PartBuffers(HEAD_SIZE, 1);
        DocumentHead head = DocumentHead.read(new ByteArrayInputStream(document), buffers, Long.MAX_VALUE);

        int expectedHead = Math.min(size, HEAD_SIZE);
        assertEquals(expectedHead, head.length());
        assertArrayEquals(Arrays.copyOf(document, expectedHead), Arrays.copyOf(head.bytes(), head.length()));
        assertEquals(size <= HEAD_SIZE, head.complete(), "complete only when nothing is left");
        try (InputStream whole = head.whole()) {
            assertArrayEquals(document, whole.readAllBytes());
        }
        assertEquals(size, head.count());
        assertEquals(sha256(document), head.sha256());

        head.release();
        byte[] next = buffers.take();
        if (size > DocumentHead.LARGEST_GROWN) {
            assertSame(head.bytes(), next, "a head past the grown sizes holds a pooled part, given back");
        } else {
            assertNotSame(head.bytes(), next, "a small head is its own array, never pooled");
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
