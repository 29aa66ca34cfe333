package fr.coffre.load;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A valid one-page PDF of any size, made as it is read: header and objects, then comment lines
 * up to the size asked, then the cross-reference table and trailer. Never held whole anywhere:
 * a 2 GB document costs a few kilobytes.
 */
public final class GeneratedPdfStream extends InputStream {

    private final byte[] head;
    private final byte[] tail;
    private final long size;
    private final byte[] line = new byte[80];
    private long position;

    public GeneratedPdfStream(long size, String label) {
        String content = "BT /F1 24 Tf 72 720 Td (" + label.replaceAll("[()\\\\]", "") + ") Tj ET";
        String[] objects = {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                    + "/Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length " + content.length() + " >>\nstream\n" + content + "\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        StringBuilder start = new StringBuilder("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        long[] offsets = new long[objects.length];
        for (int i = 0; i < objects.length; i++) {
            offsets[i] = start.length();
            start.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
        }
        this.head = start.toString().getBytes(StandardCharsets.ISO_8859_1);
        // The padding (comment lines) goes between the objects and the xref, so offsets hold.
        StringBuilder end = new StringBuilder("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
        for (long offset : offsets) {
            end.append(String.format("%010d 00000 n \n", offset));
        }
        end.append("trailer\n<< /Size ").append(objects.length + 1).append(" /Root 1 0 R >>\nstartxref\n");
        // startxref is the xref's offset: everything before it, padding included.
        String xrefOffsetPlaceholder = "%%XREF%%";
        String tailTemplate = end + xrefOffsetPlaceholder + "\n%%EOF\n";
        long paddingAndHead = size - tailTemplate.length() + xrefOffsetPlaceholder.length();
        // Solve for the offset's own digits: the tail's length depends on them.
        String tailText = null;
        for (int digits = 1; digits <= 19; digits++) {
            long xrefOffset = paddingAndHead - digits;
            if (String.valueOf(xrefOffset).length() == digits) {
                tailText = end + String.valueOf(xrefOffset) + "\n%%EOF\n";
                break;
            }
        }
        if (tailText == null || size < head.length + tailText.length()) {
            throw new IllegalArgumentException("a PDF this small cannot be generated: " + size);
        }
        this.tail = tailText.getBytes(StandardCharsets.ISO_8859_1);
        this.size = size;
        for (int i = 0; i < line.length; i++) {
            line[i] = (byte) ('A' + (i * 7) % 26);
        }
        line[0] = '%';
        line[line.length - 1] = '\n';
    }

    public long size() {
        return size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        long paddingEnd = size - tail.length;
        for (int i = 0; i < n; i++, position++) {
            byte b;
            if (position < head.length) {
                b = head[(int) position];
            } else if (position >= paddingEnd) {
                b = tail[(int) (position - paddingEnd)];
            } else {
                long inPadding = position - head.length;
                // A line cut short by the tail still ends with a newline.
                b = position == paddingEnd - 1 ? (byte) '\n' : line[(int) (inPadding % line.length)];
            }
            into[offset + i] = b;
        }
        return n;
    }
}
