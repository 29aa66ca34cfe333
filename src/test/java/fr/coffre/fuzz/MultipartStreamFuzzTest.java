package fr.coffre.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.ingest.MalformedMultipartException;
import fr.coffre.ingest.MultipartStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The multipart reader, fed well-formed bodies and every kind of damage to them. */
class MultipartStreamFuzzTest {

    static final String BOUNDARY = "fuzz-b0und";
    static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    @Property(tries = 300)
    void aWellFormedBodyIsReadBackPartByPart(@ForAll("parts") List<byte[]> contents) throws IOException {
        List<byte[]> read = read(body(contents));
        assertEquals(contents.size(), read.size());
        for (int i = 0; i < contents.size(); i++) {
            assertArrayEquals(contents.get(i), read.get(i), "part " + i);
        }
    }

    @Property(tries = 500)
    void aDamagedBodyIsReadOrRefusedAsMalformedAndNeverYieldsMoreThanItHolds(
            @ForAll("parts") List<byte[]> contents,
            @ForAll @IntRange(max = 10_000) int at,
            @ForAll @Size(max = 64) byte[] inserted,
            @ForAll @IntRange(max = 200) int removed) {
        byte[] whole = body(contents);
        int cut = Math.min(at, whole.length);
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        damaged.write(whole, 0, cut);
        damaged.writeBytes(inserted);
        int resume = Math.min(whole.length, cut + removed);
        damaged.write(whole, resume, whole.length - resume);
        byte[] input = damaged.toByteArray();
        try {
            long total = read(input).stream().mapToLong(b -> b.length).sum();
            assertTrue(total <= input.length, "parts hold " + total + " bytes of a " + input.length + "-byte body");
        } catch (MalformedMultipartException | IOException refused) {
            // a 400 for the caller: the expected outcome for most damage
        }
    }

    @Provide
    Arbitrary<List<byte[]>> parts() {
        Arbitrary<byte[]> content = Arbitraries.oneOf(
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(2048),
                        // contents that look like delimiters without being one, the reader's hardest case
                        Arbitraries.of("\r\n--fuzz-b0un", "\r\n-" + BOUNDARY, "--fuzz-b0un", "\r\r\n\n--", "\r\n--")
                                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)))
                // As RFC 2046 asks of a client, the boundary never occurs in a part: a body that
                // breaks that rule is not well-formed (the damage property covers it).
                .filter(bytes -> {
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    return !text.contains("\r\n--" + BOUNDARY) && !text.startsWith("--" + BOUNDARY);
                });
        return content.list().ofMinSize(1).ofMaxSize(5);
    }

    static byte[] body(List<byte[]> contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < contents.size(); i++) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"p" + i
                            + "\"; filename=\"f\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(contents.get(i));
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static List<byte[]> read(byte[] body) throws IOException {
        MultipartStream multipart = new MultipartStream(new ByteArrayInputStream(body), CONTENT_TYPE);
        List<byte[]> parts = new ArrayList<>();
        for (Optional<MultipartStream.Part> part = multipart.next(); part.isPresent(); part = multipart.next()) {
            parts.add(part.get().body().readAllBytes());
        }
        return parts;
    }
}
