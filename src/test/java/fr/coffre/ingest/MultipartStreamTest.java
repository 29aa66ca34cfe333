package fr.coffre.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartStreamTest {

    private static final String CT = "multipart/form-data; boundary=\"b0und-ary\"";

    /** Delivers at most {@code chunk} bytes per read, as a slow network does. */
    static InputStream trickle(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    static byte[] body(String preamble, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((preamble + "--b0und-ary\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                        + "Content-Type: application/json\r\n\r\n{\"a\":1}\r\n--b0und-ary\r\n"
                        + "Content-Disposition: form-data; name=\"content\"; filename=\"../../../etc/passwd\"\r\n"
                        + "Content-Type: application/pdf\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(content);
        out.write("\r\n--b0und-ary--\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 3, 17, 4096, 1 << 20})
    void readsEveryPartWhateverTheChunking(int chunk) throws IOException {
        byte[] content = new byte[300_000];
        new Random(42).nextBytes(content);
        // Bytes that look like the start of a delimiter must come through untouched.
        byte[] lookalike = "\r\n--b0und-ar".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(lookalike, 0, content, 1000, lookalike.length);
        System.arraycopy(lookalike, 0, content, content.length - lookalike.length, lookalike.length);
        // And bytes that end like one: the search compares from the delimiter's end.
        byte[] tail = "\r\r--b0und-ary".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(tail, 0, content, 5000, tail.length);
        System.arraycopy(tail, 1, content, 9000, tail.length - 1);

        MultipartStream multipart = new MultipartStream(trickle(body("", content), chunk), CT);
        var metadata = multipart.next().orElseThrow();
        assertEquals("metadata", metadata.name());
        assertEquals("{\"a\":1}", new String(metadata.body().readAllBytes(), StandardCharsets.UTF_8));
        var part = multipart.next().orElseThrow();
        assertEquals("content", part.name());
        assertEquals("../../../etc/passwd", part.filename());
        assertEquals("application/pdf", part.contentType());
        assertArrayEquals(content, part.body().readAllBytes());
        assertTrue(multipart.next().isEmpty());
    }

    @Test
    void skipsAPreambleAndAnUnreadPart() throws IOException {
        MultipartStream multipart =
                new MultipartStream(trickle(body("ignored preamble\r\n", new byte[] {1, 2, 3}), 5), CT);
        assertEquals("metadata", multipart.next().orElseThrow().name());
        var content = multipart.next().orElseThrow();
        assertArrayEquals(new byte[] {1, 2, 3}, content.body().readAllBytes());
        assertTrue(multipart.next().isEmpty());
    }

    @Test
    void aBodyCutShortIsMalformed() throws IOException {
        byte[] whole = body("", new byte[1000]);
        byte[] cut = Arrays.copyOf(whole, whole.length - 30);
        MultipartStream multipart = new MultipartStream(new ByteArrayInputStream(cut), CT);
        multipart.next();
        var content = multipart.next().orElseThrow();
        assertThrows(MalformedMultipartException.class, () -> content.body().readAllBytes());
    }

    @Test
    void aContentTypeWithoutBoundaryIsMalformed() {
        assertThrows(
                MalformedMultipartException.class,
                () -> new MultipartStream(new ByteArrayInputStream(new byte[0]), "multipart/form-data"));
    }

    @Test
    void dispositionParametersAreReadPlainOrQuotedWithEscapes() {
        var params = MultipartStream.Part.parameters(
                "form-data; name=\"con\\\"tent\"; FILENAME=plain.pdf;filename*=UTF-8''r%C3%A9sum%C3%A9.pdf ; x = \"a;b\"");
        assertEquals("con\"tent", params.get("name"));
        assertEquals("plain.pdf", params.get("filename"));
        assertEquals("UTF-8''r%C3%A9sum%C3%A9.pdf", params.get("filename*"));
        assertEquals("a;b", params.get("x"));
    }

    @Test
    void aHugeOrUnendingQuotedValueIsMalformedNotAStackOverflow() {
        String huge = "a".repeat(15_000);
        assertEquals(
                huge,
                MultipartStream.Part.parameters("form-data; name=\"" + huge + "\"")
                        .get("name"));
        assertThrows(
                MalformedMultipartException.class, () -> MultipartStream.Part.parameters("form-data; name=\"" + huge));
        String escapes = "\\\"".repeat(5_000);
        assertEquals(
                "\"".repeat(5_000),
                MultipartStream.Part.parameters("form-data; name=\"" + escapes + "\"")
                        .get("name"));
    }
}
