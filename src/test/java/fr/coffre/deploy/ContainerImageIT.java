package fr.coffre.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.extraction.ExtractionChild;
import fr.coffre.extraction.ExtractionLimits;
import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.ServiceProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image built from docker/Dockerfile without a daemon (ContainerImage), read back
 * from its tarball as a client reads it, then run: the service started with the image's own Java
 * runtime and files, against the local stack, indexes a PDF and a JPEG (in extraction processes
 * that run that same runtime) and passes the image's health check. The host's shared libraries
 * stand in for the image's: without root and a chroot, the system layer itself is not run.
 */
class ContainerImageIT {

    // 18184-18199 are taken by the other integration tests, 18201 and up by ChaosIT.
    static final int PORT = 18200;
    static final Dockerfile DOCKERFILE =
            Dockerfile.read(ContainerImage.DOCKERFILE).finalStage();

    @TempDir
    static Path unpacked;

    static DockerArchive image;

    @BeforeAll
    static void build() throws Exception {
        image = DockerArchive.open(new ContainerImage(Path.of("")).build(), unpacked);
    }

    @Test
    void theImageRunsTheDockerfilesEntrypointAsItsNumericUserWithItsPortsAndHealthCheck() {
        assertEquals(List.of(ContainerImage.NAME), image.repoTags());
        assertEquals("amd64", image.configuration().getString("architecture"));
        JsonObject config = image.containerConfig();
        assertEquals(new JsonArray(DOCKERFILE.entrypoint()), config.getJsonArray("Entrypoint"));
        assertEquals("185:185", config.getString("User"));
        assertEquals("/deployments", config.getString("WorkingDir"));
        assertEquals(
                Set.of("8080/tcp", "9000/tcp"),
                config.getJsonObject("ExposedPorts").fieldNames());
        assertEquals("coffre", config.getJsonObject("Labels").getString("org.opencontainers.image.title"));

        JsonObject check = config.getJsonObject("Healthcheck");
        assertEquals(
                new JsonArray()
                        .add("CMD")
                        .add("java")
                        .add("-XX:TieredStopAtLevel=1")
                        .add("-XX:+UseSerialGC")
                        .add("-Xmx16m")
                        .add("-Xss256k")
                        .add("-XX:-UsePerfData")
                        .add("-cp")
                        .add("/opt/healthcheck")
                        .add("HealthCheck"),
                check.getJsonArray("Test"));
        assertEquals(15_000_000_000L, check.getLong("Interval"), "nanoseconds");
        assertEquals(10_000_000_000L, check.getLong("Timeout"));
        assertEquals(90_000_000_000L, check.getLong("StartPeriod"));
        assertEquals(3, check.getInteger("Retries"));

        Map<String, String> env = image.environment();
        assertTrue(env.get("JAVA_OPTS").contains("-XX:+UseSerialGC"), env.toString());
        assertTrue(env.get("JAVA_OPTS").contains("-Djava.awt.headless=true"), env.toString());
        assertEquals("/opt/java/openjdk/bin:/usr/bin:/bin", env.get("PATH"));
        assertEquals("2", env.get("MALLOC_ARENA_MAX"));
    }

    @Test
    void theLayersHoldTheShellTheRuntimeAndTheApplicationAndTheServiceCannotRewriteAnyOfIt() throws IOException {
        // The system and the runtime, then one layer for each of the Dockerfile's COPY.
        assertEquals(2 + DOCKERFILE.copies().size(), image.layers().size());
        assertEquals(
                image.layers().size(),
                image.configuration()
                        .getJsonObject("rootfs")
                        .getJsonArray("diff_ids")
                        .size());
        Set<String> files = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Path layer : image.layers()) {
            for (DockerArchive.Entry entry : image.entries(layer)) {
                files.add(entry.path());
                if (entry.uid() != 0 || entry.gid() != 0) {
                    problems.add(entry.path() + " is owned by " + entry.uid() + ":" + entry.gid());
                }
                if ((entry.mode() & 0002) != 0
                        && !entry.symbolicLink()
                        && !entry.path().equals("/tmp")) {
                    problems.add(entry.path() + " is writable by anyone");
                }
            }
        }
        assertEquals(List.of(), problems, "every file belongs to root: the service (185) only reads them");
        for (String file : List.of(
                "/bin/sh",
                "/lib64/ld-linux-x86-64.so.2",
                "/etc/passwd",
                "/opt/java/openjdk/bin/java",
                "/opt/java/openjdk/bin/jcmd",
                "/opt/healthcheck/HealthCheck.class",
                "/deployments/quarkus-run.jar",
                "/deployments/quarkus/quarkus-application.dat")) {
            assertTrue(files.contains(file), file + " is in the image");
        }
        assertTrue(files.stream().anyMatch(f -> f.startsWith("/deployments/lib/main/")), "lib/main");
        assertTrue(files.stream().anyMatch(f -> f.startsWith("/deployments/app/")), "app");
    }

    @Test
    void theServiceStartedFromTheImagesRuntimeIndexesAPdfAndAJpegAndPassesTheImagesHealthCheck(@TempDir Path root)
            throws Exception {
        image.extract(root);
        Map<String, String> env = new HashMap<>(image.environment());
        // The container's memory limit, as `./coffre bench` gives the service: the heap follows it.
        env.put("JAVA_OPTS_APPEND", "-XX:MaxRAM=1g");
        List<String> command = entrypoint(root, env);
        env.remove("PATH");
        env.put("JAVA_HOME", root.resolve("opt/java/openjdk").toString());

        try (ServiceProcess service = ServiceProcess.command("image", PORT, command, root.resolve("deployments"), env)
                .start()) {
            String token = KeycloakTokens.laboratory();
            String pdf = service.upload(token, "pdf/CR-BIO_TSH_rendition.pdf", "application/pdf");
            String jpeg = service.upload(token, "img/OPH-CR-RTN_retinographie.jpg", "image/jpeg");
            for (String id : List.of(pdf, jpeg)) {
                assertEquals("INDEXED", Database.awaitConcluded(id), Database.statusReason(id));
            }
            assertEquals("PDF", indexed("detected_kind", pdf));
            assertFalse(indexed("excerpt", pdf).isBlank(), "PDFBox read the text with the image's runtime");
            assertEquals("IMAGE", indexed("detected_kind", jpeg));
            // Any worker on the shared stack may have indexed them: the image's runtime extracts too.
            String answer = extractInImage(root, command.get(0), "pdf/CR-BIO_TSH_rendition.pdf");
            assertTrue(answer.contains("\"kind\":\"PDF\""), answer);
            assertFalse(answer.contains("\"text\":\"\""), "PDFBox read the text with the image's runtime");

            assertEquals(0, healthCheck(root, service.port() + 1000), "the image's HEALTHCHECK passes");
        }
    }

    /**
     * The ENTRYPOINT's {@code sh -c "exec java $JAVA_OPTS ..."} as the shell would run it, with the
     * image's paths under {@code root} and {@code java} found on the image's PATH.
     */
    private static List<String> entrypoint(Path root, Map<String, String> env) {
        List<String> entrypoint = DOCKERFILE.entrypoint();
        assertEquals(List.of("/bin/sh", "-c"), entrypoint.subList(0, 2), "a shell expands $JAVA_OPTS");
        List<String> words = new ArrayList<>(List.of(entrypoint.get(2).strip().split("\\s+")));
        if (words.get(0).equals("exec")) {
            words.remove(0);
        }
        List<String> command = new ArrayList<>(List.of(program(root, env, words.get(0))));
        for (String word : words.subList(1, words.size())) {
            if (word.startsWith("$")) {
                String value = env.getOrDefault(word.substring(1), "").strip();
                if (!value.isEmpty()) {
                    command.addAll(List.of(value.split("\\s+")));
                }
            } else {
                command.add(inImage(root, word));
            }
        }
        return command;
    }

    /** The health check's command as the runtime runs it in the container, its exit status. */
    private static int healthCheck(Path root, int managementPort) throws IOException, InterruptedException {
        JsonArray test = image.containerConfig().getJsonObject("Healthcheck").getJsonArray("Test");
        assertEquals("CMD", test.getString(0));
        List<String> command = new ArrayList<>(List.of(program(root, image.environment(), test.getString(1))));
        for (int i = 2; i < test.size(); i++) {
            command.add(inImage(root, test.getString(i)));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.resolve("deployments").toFile())
                .redirectErrorStream(true);
        builder.environment().put("COFFRE_MANAGEMENT_PORT", String.valueOf(managementPort));
        Process probe = builder.start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long timeout = image.containerConfig().getJsonObject("Healthcheck").getLong("Timeout");
        assertTrue(probe.waitFor(timeout, TimeUnit.NANOSECONDS), "the probe ends within the check's timeout");
        assertEquals("", output.strip(), "the probe says nothing when the service is ready");
        return probe.exitValue();
    }

    /**
     * Runs the image's extraction process as the service starts one (its java, its jars, the
     * default limits), has it extract {@code file} and returns what it wrote: its ready token,
     * then the answer, whose content is JSON.
     */
    private static String extractInImage(Path root, String java, String file) throws Exception {
        Path app = root.resolve("deployments");
        ExtractionLimits limits = ExtractionLimits.defaults();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-cp",
                String.join(
                        File.pathSeparator,
                        app.resolve("lib/boot/*").toString(),
                        app.resolve("lib/main/*").toString(),
                        app.resolve("app/*").toString()),
                ExtractionChild.class.getName()));
        for (Object limit : List.of(
                limits.maxDocumentBytes(),
                limits.maxTextChars(),
                limits.parseTimeout().toMillis(),
                limits.maxXmlDepth(),
                limits.maxEmbeddedDepth(),
                limits.maxEmbeddedDocuments(),
                limits.maxEmbeddedBytes())) {
            command.add(String.valueOf(limit));
        }
        Process child = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (DataOutputStream in = new DataOutputStream(child.getOutputStream())) {
            in.writeUTF(Corpus.file(file).toString());
        }
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the extraction process ends when its input does");
        return out;
    }

    /** A path of the image under {@code root}; any other word as it is. */
    private static String inImage(Path root, String word) {
        return word.startsWith("/") ? root.resolve(word.substring(1)).toString() : word;
    }

    /** A command as the container finds it: by its path, or on the image's PATH. */
    private static String program(Path root, Map<String, String> env, String name) {
        if (name.contains("/")) {
            return inImage(root, name);
        }
        for (String directory : env.get("PATH").split(":")) {
            Path candidate = root.resolve(directory.substring(1)).resolve(name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " is not on the image's PATH " + env.get("PATH"));
    }

    private static String indexed(String column, String id) {
        return Database.strings("SELECT " + column + " FROM document_index WHERE document_id = ?::uuid", id)
                .get(0);
    }
}
