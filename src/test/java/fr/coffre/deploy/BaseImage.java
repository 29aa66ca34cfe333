package fr.coffre.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The image under Coffre's files, in the tarball format {@code docker save} writes (manifest.json,
 * the config, one file a layer), which Jib reads as a base. Jib has no health-check setting of
 * its own but keeps the base's in a Docker-format image: the HEALTHCHECK is set here.
 */
final class BaseImage {

    /** A layer and what made it, for the image's history. */
    record Layer(LayerTarball.Written tarball, String createdBy) {}

    private BaseImage() {}

    static Path write(Path file, List<Layer> layers, Map<String, String> environment, Dockerfile.Healthcheck check) {
        JsonArray diffIds = new JsonArray();
        JsonArray history = new JsonArray();
        JsonArray names = new JsonArray();
        for (int i = 0; i < layers.size(); i++) {
            diffIds.add(layers.get(i).tarball().diffId());
            history.add(new JsonObject()
                    .put("created", "1970-01-01T00:00:01Z")
                    .put("created_by", layers.get(i).createdBy()));
            names.add("layer-" + i + ".tar.gz");
        }
        JsonArray env = new JsonArray();
        environment.forEach((name, value) -> env.add(name + "=" + value));
        JsonObject config = new JsonObject()
                .put("architecture", "amd64")
                .put("os", "linux")
                .put("created", "1970-01-01T00:00:01Z")
                .put(
                        "config",
                        new JsonObject()
                                .put("Env", env)
                                .put(
                                        "Healthcheck",
                                        new JsonObject()
                                                .put(
                                                        "Test",
                                                        new JsonArray()
                                                                .add("CMD")
                                                                .addAll(new JsonArray(check.command())))
                                                .put("Interval", nanoseconds(check.interval()))
                                                .put("Timeout", nanoseconds(check.timeout()))
                                                .put("StartPeriod", nanoseconds(check.startPeriod()))
                                                .put("Retries", check.retries())))
                .put("rootfs", new JsonObject().put("type", "layers").put("diff_ids", diffIds))
                .put("history", history);
        JsonArray manifest = new JsonArray()
                .add(new JsonObject()
                        .put("Config", "config.json")
                        .put("RepoTags", new JsonArray().add("coffre-base:local"))
                        .put("Layers", names));
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (int i = 0; i < layers.size(); i++) {
                Path layer = layers.get(i).tarball().file();
                TarArchiveEntry entry = new TarArchiveEntry(names.getString(i));
                entry.setSize(Files.size(layer));
                tar.putArchiveEntry(entry);
                Files.copy(layer, tar);
                tar.closeArchiveEntry();
            }
            add(tar, "config.json", config.encode());
            add(tar, "manifest.json", manifest.encode());
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Docker keeps a health check's durations as Go's time.Duration: nanoseconds. */
    private static long nanoseconds(Duration duration) {
        return duration.toNanos();
    }

    private static void add(TarArchiveOutputStream tar, String name, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
