package fr.coffre.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import fr.coffre.testing.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stack/stack aot-cache APP ROLES}, which `./coffre up` and the bench ask before starting the
 * service from an AOT cache: a cache is only used while it is newer than every file of the build
 * it sits in, since the JVM refuses one made from other jars (and the bench starts it with
 * {@code -XX:AOTMode=on}, which would then not start at all).
 */
class AotCacheLookupTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant BUILT = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path app;

    @Test
    void aCacheMadeAfterTheBuildIsTheOneToStartFrom() throws IOException {
        build();
        Path cache = file("aot/api.aot", BUILT.plusSeconds(600));

        LocalStack.Outcome outcome = LocalStack.attempt(TIMEOUT, "aot-cache", app.toString(), "api");

        assertEquals(0, outcome.exitCode(), outcome.output());
        assertEquals(cache.toString(), outcome.output().strip());
    }

    @Test
    void aFileOfTheBuildNewerThanTheCacheMakesItStale() throws IOException {
        build();
        file("aot/worker.aot", BUILT.plusSeconds(600));
        file("lib/main/io.vertx.vertx-core.jar", BUILT.plusSeconds(900));

        LocalStack.Outcome outcome = LocalStack.attempt(TIMEOUT, "aot-cache", app.toString(), "worker");

        assertEquals(1, outcome.exitCode(), outcome.output());
    }

    @Test
    void withoutACacheForItsRolesTheServiceStartsWithout() throws IOException {
        build();
        file("aot/api.aot", BUILT.plusSeconds(600));

        LocalStack.Outcome outcome = LocalStack.attempt(TIMEOUT, "aot-cache", app.toString(), "api,worker");

        assertEquals(1, outcome.exitCode(), outcome.output());
        assertEquals(
                app.resolve("aot/api-worker.aot").toString(), outcome.output().strip());
    }

    /** The aot-jar layout's files, as `mvnw package` writes them. */
    private void build() throws IOException {
        for (String path : new String[] {
            "quarkus-run.jar",
            "app/coffre.jar",
            "lib/boot/io.quarkus.quarkus-bootstrap-runner.jar",
            "lib/main/io.vertx.vertx-core.jar",
            "quarkus/quarkus-application.dat"
        }) {
            file(path, BUILT);
        }
    }

    private Path file(String path, Instant modified) throws IOException {
        Path file = app.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
