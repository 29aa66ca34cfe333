package fr.coffre.push;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** One file to send: its bytes, their media type and SHA-256, and its metadata sidecar if any. */
record Document(Path file, String path, long size, String sha256, String mediaType, Path metadata) {

    static final String SIDECAR = ".metadata.json";

    /** Every file of a folder (recursively, in name order), or every path a list file names. */
    static List<Document> from(Path source, List<Path> ignored) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> walk = Files.walk(source)) {
                walk.filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().endsWith(SIDECAR))
                        .filter(f -> !f.getFileName().toString().startsWith("."))
                        .filter(f -> ignored.stream().noneMatch(i -> i.toAbsolutePath().normalize().equals(f.toAbsolutePath().normalize())))
                        .sorted()
                        .forEach(files::add);
            }
        } else {
            Path base = source.getParent();
            for (String line : Files.readAllLines(source)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    files.add(base.resolve(line.strip()).normalize());
                }
            }
        }
        List<Document> documents = new ArrayList<>();
        for (Path file : files) {
            Path sidecar = file.resolveSibling(file.getFileName() + SIDECAR);
            documents.add(new Document(
                    file,
                    file.toString(),
                    Files.size(file),
                    sha256(file),
                    mediaType(file),
                    Files.isRegularFile(sidecar) ? sidecar : null));
        }
        return documents;
    }

    /** By extension; the server checks the bytes against it. */
    static String mediaType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        return switch (extension) {
            case "xml" -> "application/hl7-cda+xml";
            case "json" -> "application/fhir+json";
            case "pdf" -> "application/pdf";
            case "jpg", "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "tif", "tiff" -> "image/tiff";
            case "txt" -> "text/plain";
            case "rtf" -> "application/rtf";
            default -> "application/octet-stream";
        };
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read; (read = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
