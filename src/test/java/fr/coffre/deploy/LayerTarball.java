package fr.coffre.deploy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * One image layer: a gzipped tar of files, directories and links, every one owned by root and
 * dated as Jib dates its layers (one second after the epoch), so that the same files make the
 * same layer.
 */
final class LayerTarball {

    /** The written layer; {@code diffId} is the sha256 of its uncompressed tar, as an image's config names it. */
    record Written(Path file, String diffId, long bytes) {}

    private static final FileTime DATE = FileTime.from(Instant.ofEpochSecond(1));

    private record Entry(String path, int mode, Path source, byte[] content, String linkTarget) {}

    private final SortedMap<String, Entry> entries = new TreeMap<>();

    void directory(String path, int permissions) {
        put(new Entry(path, 0040000 | permissions, null, null, null));
    }

    void file(String path, Path source, int permissions) {
        put(new Entry(path, 0100000 | permissions, source, null, null));
    }

    void file(String path, byte[] content, int permissions) {
        put(new Entry(path, 0100000 | permissions, null, content, null));
    }

    void symlink(String path, String target) {
        put(new Entry(path, 0120777, null, null, target));
    }

    /** {@code source}'s tree at {@code path}, with its permissions and links as they are. */
    void tree(Path source, String path) {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path each : walk.toList()) {
                String target = path + (each.equals(source) ? "" : "/" + source.relativize(each));
                if (Files.isSymbolicLink(each)) {
                    symlink(target, Files.readSymbolicLink(each).toString());
                } else if (Files.isDirectory(each)) {
                    directory(target, permissions(each));
                } else {
                    file(target, each, permissions(each));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean contains(String path) {
        return entries.containsKey(name(path));
    }

    /** Writes the layer to {@code file}, parents before children. */
    Written write(Path file) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        GzipParameters gzip = new GzipParameters();
        // Fast rather than small: the layers are loaded locally or pushed once, and the runtime's
        // layer takes seconds at the default level on two cores.
        gzip.setCompressionLevel(1);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(
                        new DigestOutputStream(new GzipCompressorOutputStream(out, gzip), sha256))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Entry entry : entries.values()) {
                write(tar, entry);
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return new Written(file, "sha256:" + HexFormat.of().formatHex(sha256.digest()), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(Entry entry) {
        String name = name(entry.path());
        // A layer lists a file's directories before it, as docker save and Jib write them.
        int slash = name.lastIndexOf('/');
        if (slash > 0 && !entries.containsKey(name.substring(0, slash))) {
            directory(name.substring(0, slash), 0755);
        }
        entries.put(name, entry);
    }

    /** The path as a tar entry's name, relative; a directory's slash is added when it is written. */
    private static String name(String path) {
        return path.replaceFirst("^/+", "").replaceFirst("/+$", "");
    }

    private static void write(TarArchiveOutputStream tar, Entry entry) throws IOException {
        boolean directory = (entry.mode() & 0170000) == 0040000;
        String name = name(entry.path()) + (directory ? "/" : "");
        TarArchiveEntry header = entry.linkTarget() != null
                ? new TarArchiveEntry(name, TarConstants.LF_SYMLINK)
                : new TarArchiveEntry(name);
        header.setMode(entry.mode());
        header.setUserId(0);
        header.setGroupId(0);
        header.setUserName("root");
        header.setGroupName("root");
        header.setModTime(DATE);
        if (entry.linkTarget() != null) {
            header.setLinkName(entry.linkTarget());
        } else if (entry.content() != null) {
            header.setSize(entry.content().length);
        } else if (entry.source() != null) {
            header.setSize(Files.size(entry.source()));
        }
        tar.putArchiveEntry(header);
        if (entry.content() != null) {
            tar.write(entry.content());
        } else if (entry.source() != null) {
            Files.copy(entry.source(), tar);
        }
        tar.closeArchiveEntry();
    }

    static int permissions(Path file) throws IOException {
        Set<PosixFilePermission> set = Files.getPosixFilePermissions(file);
        int mode = 0;
        for (PosixFilePermission permission : List.of(PosixFilePermission.values())) {
            if (set.contains(permission)) {
                // OWNER_READ is bit 8 (0400), down to OTHERS_EXECUTE, bit 0 (0001).
                mode |= 1 << (8 - permission.ordinal());
            }
        }
        return mode;
    }
}
