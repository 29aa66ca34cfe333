package fr.coffre.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A multipart/form-data body built in memory, parts in the order given. */
public final class Multipart {

    public record Part(String name, String fileName, String contentType, byte[] bytes) {
        public static Part json(String name, String json) {
            return new Part(name, null, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }
    }

    public record Body(String contentType, byte[] bytes) {
    }

    private Multipart() {
    }

    public static Body build(String boundary, List<Part> parts) {
        long total = 0;
        for (Part part : parts) {
            total += part.bytes().length + 256;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, total + 64));
        for (Part part : parts) {
            out.writeBytes(partHeader(boundary, part.name(), part.fileName(), part.contentType()));
            out.writeBytes(part.bytes());
            out.writeBytes(ascii("\r\n"));
        }
        out.writeBytes(closing(boundary));
        return new Body(contentType(boundary), out.toByteArray());
    }

    public static String contentType(String boundary) {
        return "multipart/form-data; boundary=" + boundary;
    }

    public static byte[] partHeader(String boundary, String name, String fileName, String contentType) {
        StringBuilder header = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append('"');
        if (fileName != null) {
            header.append("; filename=\"").append(fileName).append('"');
        }
        header.append("\r\nContent-Type: ").append(contentType).append("\r\n\r\n");
        return header.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] closing(String boundary) {
        return ascii("--" + boundary + "--\r\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
