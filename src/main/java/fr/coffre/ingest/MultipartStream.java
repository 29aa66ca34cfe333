package fr.coffre.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a multipart/form-data body (RFC 7578) part by part as it arrives. Each part's body is an
 * InputStream that ends at the next boundary; nothing but a small window is ever buffered, so a
 * request of any size needs neither memory nor disk in proportion to it. Parts must be consumed
 * in order: asking for the next part skips what is left of the current one.
 */
public final class MultipartStream {

    private static final Pattern BOUNDARY =
            Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int WINDOW = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter; // CRLF--boundary
    private final int[] skip; // Horspool: how far the window may move when its last byte is this one
    private final byte[] buffer;
    private int start;
    private int end;
    private boolean finished;
    private PartBody current;

    public MultipartStream(InputStream in, String contentType) {
        this.in = in;
        String boundary = boundaryOf(contentType)
                .orElseThrow(() -> new MalformedMultipartException("the Content-Type has no multipart boundary"));
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[WINDOW + delimiter.length];
        this.skip = new int[256];
        Arrays.fill(skip, delimiter.length);
        for (int k = 0; k < delimiter.length - 1; k++) {
            skip[delimiter[k] & 0xff] = delimiter.length - 1 - k;
        }
    }

    public static Optional<String> boundaryOf(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            return Optional.empty();
        }
        String boundary = m.group(1) != null ? m.group(1) : m.group(2);
        return boundary.isEmpty() || boundary.length() > 70 ? Optional.empty() : Optional.of(boundary);
    }

    /** The next part, or empty after the closing boundary. */
    public Optional<Part> next() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        if (current == null) {
            skipPreamble();
        } else {
            current.transferTo(OutputStreamSink.INSTANCE);
        }
        if (finished) {
            return Optional.empty();
        }
        Map<String, String> headers = readHeaders();
        current = new PartBody();
        return Optional.of(Part.of(headers, current));
    }

    // The body normally starts with the boundary itself, without the CRLF that precedes later ones.
    private void skipPreamble() throws IOException {
        int dashBoundary = delimiter.length - 2;
        fill(dashBoundary);
        if (end - start >= dashBoundary
                && Arrays.equals(buffer, start, start + dashBoundary, delimiter, 2, delimiter.length)) {
            start += dashBoundary;
            afterDelimiter();
        } else {
            new PartBody().transferTo(OutputStreamSink.INSTANCE); // a preamble, ignored
        }
    }

    // After a delimiter comes "--" (the end) or optional whitespace and CRLF (another part).
    private void afterDelimiter() throws IOException {
        fill(2);
        if (end - start >= 2 && buffer[start] == '-' && buffer[start + 1] == '-') {
            finished = true;
            return;
        }
        while (true) {
            fill(2);
            if (end - start < 2) {
                throw new MalformedMultipartException("the body ends inside a boundary line");
            }
            if (buffer[start] == '\r' && buffer[start + 1] == '\n') {
                start += 2;
                return;
            }
            if (buffer[start] == ' ' || buffer[start] == '\t') {
                start++;
                continue;
            }
            throw new MalformedMultipartException("unexpected bytes after a boundary");
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine();
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("a part's headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("a part header has no name");
            }
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            fill(1);
            if (start == end) {
                throw new MalformedMultipartException("the body ends inside a part's headers");
            }
            byte b = buffer[start++];
            if (b == '\r') {
                fill(1);
                if (start < end && buffer[start] == '\n') {
                    start++;
                    return line.toString();
                }
                throw new MalformedMultipartException("a bare CR in a part's headers");
            }
            // Header values are UTF-8 in practice (RFC 7578 section 5.1); decoded in Part.
            line.append((char) (b & 0xff));
            if (line.length() > MAX_HEADER_BYTES) {
                throw new MalformedMultipartException("a part header line is too long");
            }
        }
    }

    /** Makes at least {@code wanted} bytes available unless the input ends first. */
    private void fill(int wanted) throws IOException {
        if (end - start >= wanted) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < wanted) {
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                return;
            }
            end += n;
        }
    }

    private final class PartBody extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            fill(delimiter.length);
            int available = end - start;
            if (available < delimiter.length) {
                throw new MalformedMultipartException("the body ends before the closing boundary");
            }
            // Only the bytes this read could return, plus room for a delimiter that starts among them.
            int at = indexOfDelimiter(start, Math.min(end, start + length + delimiter.length - 1));
            if (at == start) {
                start += delimiter.length;
                done = true;
                afterDelimiter();
                return -1;
            }
            // Bytes that could still begin a delimiter are kept back until more input arrives.
            int n = at >= 0 ? at - start : Math.min(length, available - (delimiter.length - 1));
            System.arraycopy(buffer, start, target, offset, n);
            start += n;
            return n;
        }

        /**
         * Boyer-Moore-Horspool: the body is mostly bytes that are not in the delimiter, so the search
         * moves by the delimiter's length at a time rather than by one; at worst (a boundary chosen
         * against its own body) it compares as the plain search would, bounded by the boundary's
         * 70 characters.
         */
        private int indexOfDelimiter(int from, int to) {
            int last = delimiter.length - 1;
            for (int i = from; i <= to - delimiter.length; i += skip[buffer[i + last] & 0xff]) {
                int j = last;
                while (j >= 0 && buffer[i + j] == delimiter[j]) {
                    j--;
                }
                if (j < 0) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            byte[] chunk = new byte[8192];
            long total = 0;
            int n;
            while ((n = read(chunk, 0, chunk.length)) >= 0) {
                out.write(chunk, 0, n);
                total += n;
            }
            return total;
        }
    }

    private static final class OutputStreamSink extends OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }

    /** One part: its form name, the client's file name (never used as a path), media type and body. */
    public record Part(String name, String filename, String contentType, InputStream body) {

        static Part of(Map<String, String> headers, InputStream body) {
            String disposition = utf8(headers.getOrDefault("content-disposition", ""));
            if (!disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
                throw new MalformedMultipartException("a part has no Content-Disposition: form-data header");
            }
            Map<String, String> params = parameters(disposition);
            String name = params.get("name");
            if (name == null || name.isEmpty()) {
                throw new MalformedMultipartException("a part has no name");
            }
            return new Part(name, params.get("filename"), headers.get("content-type"), body);
        }

        /**
         * The {@code ; name=value} parameters of a Content-Disposition header, values plain or quoted
         * with backslash escapes. One pass over the characters: a regular expression with an
         * alternation under a repetition recurses once per character and overflowed the stack on a
         * 15,000-character value.
         */
        static Map<String, String> parameters(String header) {
            Map<String, String> params = new LinkedHashMap<>();
            int n = header.length();
            int i = header.indexOf(';');
            while (i >= 0) {
                i = skipSpaces(header, i + 1);
                int nameStart = i;
                while (i < n
                        && (Character.isLetter(header.charAt(i)) && header.charAt(i) < 128
                                || header.charAt(i) == '*')) {
                    i++;
                }
                String name = header.substring(nameStart, i);
                i = skipSpaces(header, i);
                if (name.isEmpty() || i >= n || header.charAt(i) != '=') {
                    i = header.indexOf(';', i);
                    continue;
                }
                i = skipSpaces(header, i + 1);
                StringBuilder value = new StringBuilder();
                if (i < n && header.charAt(i) == '"') {
                    i++;
                    boolean closed = false;
                    while (i < n && !closed) {
                        char c = header.charAt(i++);
                        if (c == '\\' && i < n) {
                            value.append(header.charAt(i++));
                        } else if (c == '"') {
                            closed = true;
                        } else {
                            value.append(c);
                        }
                    }
                    if (!closed) {
                        throw new MalformedMultipartException("a part header has a quoted value that never ends");
                    }
                } else {
                    while (i < n && header.charAt(i) != ';' && !Character.isWhitespace(header.charAt(i))) {
                        value.append(header.charAt(i++));
                    }
                }
                params.put(name.toLowerCase(Locale.ROOT), value.toString());
                i = header.indexOf(';', i);
            }
            return params;
        }

        private static int skipSpaces(String text, int from) {
            int i = from;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            return i;
        }

        private static String utf8(String latin1) {
            return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
    }
}
