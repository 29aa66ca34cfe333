package fr.coffre.extraction;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns XML bytes into characters using the byte order mark or the XML declaration's encoding
 * (UTF-8 when neither says otherwise), with a decoder that reports invalid byte sequences instead
 * of replacing them. Decoding here rather than in the parser gives a clear error for invalid bytes
 * (the JDK parser would also print them to stderr).
 */
final class XmlDecoding {

    /** The XML declaration is short; allow for generous whitespace inside it. */
    private static final int PROLOG_WINDOW = 1024;

    /** Read from the source at a time: four of the decoder's 8 KiB refills per system call on a file. */
    private static final int READ_BUFFER = 32 * 1024;

    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("\\A<\\?xml\\s[^?>]*?encoding\\s*=\\s*([\"'])([A-Za-z][A-Za-z0-9._:-]*)\\1");

    record Decoded(Reader reader, Charset charset) {}

    private XmlDecoding() {}

    static Decoded open(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, READ_BUFFER) {
            // The decoder asks before each refill whether more bytes are ready; a file would answer
            // with a system call each time (2 % of a CDA's extraction), for an answer it can do without.
            @Override
            public synchronized int available() {
                return count - pos;
            }
        };
        in.mark(PROLOG_WINDOW);
        byte[] head = in.readNBytes(PROLOG_WINDOW);
        in.reset();

        Charset charset;
        if (startsWith(head, 0xEF, 0xBB, 0xBF)) {
            in.skipNBytes(3);
            charset = StandardCharsets.UTF_8;
        } else if (startsWith(head, 0xFE, 0xFF)) {
            in.skipNBytes(2);
            charset = StandardCharsets.UTF_16BE;
        } else if (startsWith(head, 0xFF, 0xFE)) {
            in.skipNBytes(2);
            charset = StandardCharsets.UTF_16LE;
        } else if (startsWith(head, 0x00, '<', 0x00, '?')) {
            charset = StandardCharsets.UTF_16BE;
        } else if (startsWith(head, '<', 0x00, '?', 0x00)) {
            charset = StandardCharsets.UTF_16LE;
        } else {
            charset = declaredEncoding(head);
        }
        var decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new Decoded(new InputStreamReader(in, decoder), charset);
    }

    private static Charset declaredEncoding(byte[] head) {
        // Every encoding this branch accepts is ASCII-compatible, so Latin-1 reads the declaration.
        Matcher m = DECLARED_ENCODING.matcher(new String(head, StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            return StandardCharsets.UTF_8;
        }
        Charset charset;
        try {
            charset = Charset.forName(m.group(2));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new DocumentContentException(
                    QuarantineReason.INVALID_ENCODING, "the XML declaration names an unsupported encoding");
        }
        String name = charset.name();
        if (name.startsWith("UTF-16") || name.startsWith("UTF-32")) {
            throw new DocumentContentException(
                    QuarantineReason.INVALID_ENCODING,
                    "the XML declaration's encoding does not match the document bytes");
        }
        return charset;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
