package fr.coffre.load;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated document: its bytes and what the producer declares with it.
 *
 * @param template the corpus file it was made from
 * @param metadata the metadata part (or, with {@code part}, a manifest entry), in order
 */
public record GeneratedDocument(
        long index,
        DocumentKind kind,
        boolean large,
        String template,
        String uniqueId,
        String patientIns,
        String mediaType,
        String fileName,
        Map<String, Object> metadata,
        byte[] bytes) {

    public int size() {
        return bytes.length;
    }

    public String metadataJson() {
        return Json.write(metadata);
    }

    /** The metadata as an entry of a submission manifest, naming the part that carries the bytes. */
    public Map<String, Object> manifestEntry(String part) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("part", part);
        entry.putAll(metadata);
        return entry;
    }

    public Multipart.Part contentPart(String name) {
        return new Multipart.Part(name, fileName, mediaType, bytes);
    }

    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "document " + index + " " + kind + (large ? " (large)" : "") + " " + Sizes.human(bytes.length)
                + " from " + template + ", " + uniqueId + ", patient " + patientIns;
    }
}
