package fr.coffre.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An image tarball as {@code docker save} writes it and {@code docker load} reads it, read the way
 * a client does: manifest.json names the config and the layers, in order.
 */
final class DockerArchive {

    /** A layer's entry: its path in the image, owner and mode. */
    record Entry(String path, long uid, long gid, int mode, boolean symbolicLink) {}

    private final Path unpacked;
    private final JsonObject manifest;
    private final JsonObject config;

    private DockerArchive(Path unpacked, JsonObject manifest, JsonObject config) {
        this.unpacked = unpacked;
        this.manifest = manifest;
        this.config = config;
    }

    /** Unpacks {@code tarball} into {@code directory} (its layers stay compressed) and reads its manifest. */
    static DockerArchive open(Path tarball, Path directory) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile()) {
                    Path file = inside(directory, entry.getName());
                    Files.createDirectories(file.getParent());
                    Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        JsonArray manifests = new JsonArray(Files.readString(directory.resolve("manifest.json")));
        if (manifests.size() != 1) {
            throw new IllegalStateException("one image per tarball, not " + manifests.size());
        }
        JsonObject manifest = manifests.getJsonObject(0);
        JsonObject config = new JsonObject(
                Files.readString(inside(directory, manifest.getString("Config")), StandardCharsets.UTF_8));
        return new DockerArchive(directory, manifest, config);
    }

    List<String> repoTags() {
        return manifest.getJsonArray("RepoTags").stream()
                .map(String.class::cast)
                .toList();
    }

    /** The image's configuration file: architecture, os, config, rootfs, history. */
    JsonObject configuration() {
        return config;
    }

    /** What a container is started with: Entrypoint, Env, User, ExposedPorts, Healthcheck... */
    JsonObject containerConfig() {
        return config.getJsonObject("config");
    }

    /** The image's environment, as Env lists it. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object variable : containerConfig().getJsonArray("Env")) {
            String text = (String) variable;
            int equals = text.indexOf('=');
            environment.put(text.substring(0, equals), text.substring(equals + 1));
        }
        return environment;
    }

    List<Path> layers() {
        return manifest.getJsonArray("Layers").stream()
                .map(String.class::cast)
                .map(name -> inside(unpacked, name))
                .toList();
    }

    List<Entry> entries(Path layer) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (TarArchiveInputStream tar = layer(layer)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.add(new Entry(
                        "/" + entry.getName().replaceFirst("/$", ""),
                        entry.getLongUserId(),
                        entry.getLongGroupId(),
                        entry.getMode() & 07777,
                        entry.isSymbolicLink()));
            }
        }
        return entries;
    }

    /** The container's file system as a runtime lays it out: each layer over the ones before it. */
    void extract(Path root) throws IOException {
        for (Path layer : layers()) {
            try (TarArchiveInputStream tar = layer(layer)) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    extract(tar, entry, root);
                }
            }
        }
    }

    private static void extract(TarArchiveInputStream tar, TarArchiveEntry entry, Path root) throws IOException {
        Path target = inside(root, entry.getName());
        String name = target.getFileName() == null ? "" : target.getFileName().toString();
        if (name.startsWith(".wh.")) {
            // A whiteout: the file of that name from an earlier layer is deleted.
            delete(target.resolveSibling(name.substring(".wh.".length())));
            return;
        }
        Files.createDirectories(target.getParent());
        if (entry.isDirectory()) {
            Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            return;
        } else if (entry.isLink()) {
            Files.deleteIfExists(target);
            Files.createLink(target, inside(root, entry.getLinkName()));
            return;
        } else {
            Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, permissions(entry.getMode()));
    }

    private static TarArchiveInputStream layer(Path layer) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(layer), 1 << 16);
        in.mark(2);
        boolean gzipped = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return new TarArchiveInputStream(gzipped ? new GzipCompressorInputStream(in) : in);
    }

    /** {@code name} under {@code root}, refusing a name that climbs out of it. */
    private static Path inside(Path root, String name) {
        Path path = root.resolve(name.replaceFirst("^/+", "")).normalize();
        if (!path.startsWith(root.normalize())) {
            throw new IllegalStateException("an entry outside the archive's root: " + name);
        }
        return path;
    }

    private static void delete(Path path) throws IOException {
        if (Files.isDirectory(path) && !Files.isSymbolicLink(path)) {
            ContainerImage.delete(path);
        } else {
            Files.deleteIfExists(path);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - permission.ordinal()))) != 0) {
                permissions.add(permission);
            }
        }
        return permissions;
    }
}
