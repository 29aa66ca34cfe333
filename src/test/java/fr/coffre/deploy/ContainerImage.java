package fr.coffre.deploy;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * docker/Dockerfile's image, built without a Docker daemon or a registry: a base image made from
 * this machine's files (SystemLayer) and a Java runtime linked from the running JDK (JavaRuntime),
 * in place of eclipse-temurin's, then Jib puts the Dockerfile's COPY layers and settings on it.
 * Everything Coffre-specific is read from the Dockerfile, so the two builds say the same. Writes
 * target/coffre-image.tar, which {@code docker load}, {@code podman load} and {@code skopeo} read.
 * Run after {@code mvnw package}: {@code ./coffre image}, or ContainerImageIT.
 */
public final class ContainerImage {

    public static final String NAME = "coffre:local";
    static final String OUTPUT = "coffre-image.tar";
    static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    private static final Pattern RELEASE = Pattern.compile("--release\\s+(\\d+)");
    private static final Pattern CLASSES = Pattern.compile("\\s-d\\s+(\\S+)");

    private final Path repository;
    private final Path work;

    ContainerImage(Path repository) {
        this.repository = repository.toAbsolutePath().normalize();
        this.work = this.repository.resolve("target/container-image");
    }

    public static void main(String[] args) throws Exception {
        Path repository = Path.of(args.length > 0 ? args[0] : "");
        Path image = new ContainerImage(repository).build();
        System.out.printf(
                "%s: %s (%d MiB)%n", NAME, repository.toAbsolutePath().relativize(image), Files.size(image) >> 20);
    }

    /** Builds the image and returns its tarball, target/coffre-image.tar. */
    Path build()
            throws IOException, InterruptedException, ExecutionException, RegistryException,
                    CacheDirectoryCreationException, InvalidImageReferenceException {
        Dockerfile dockerfile = Dockerfile.read(repository.resolve(DOCKERFILE));
        Dockerfile image = dockerfile.finalStage();
        if (!Files.isRegularFile(repository.resolve("target/quarkus-app/quarkus-run.jar"))) {
            throw new IllegalStateException("target/quarkus-app is missing: run mvnw package first");
        }
        delete(work);
        Files.createDirectories(work);

        Path runtime = JavaRuntime.link(work.resolve("runtime"));
        LayerTarball system = SystemLayer.of(runtime, image.account());
        LayerTarball java = new LayerTarball();
        java.tree(runtime, JavaRuntime.HOME);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", JavaRuntime.HOME + "/bin:/usr/bin:/bin");
        environment.put("JAVA_HOME", JavaRuntime.HOME);
        Path base = BaseImage.write(
                work.resolve("base.tar"),
                List.of(
                        new BaseImage.Layer(
                                system.write(work.resolve("system.tar.gz")),
                                "sh, the shared libraries it and the runtime load, accounts, /tmp (Debian "
                                        + "files of the machine that built it)"),
                        new BaseImage.Layer(
                                java.write(work.resolve("java.tar.gz")),
                                "jlink --add-modules " + String.join(",", JavaRuntime.MODULES) + " (Java "
                                        + Runtime.version().feature() + ")")),
                environment,
                image.healthcheck());

        JibContainerBuilder jib = Jib.from(TarImage.at(base))
                .setFormat(ImageFormat.Docker) // the OCI format has no health check
                .setFileEntriesLayers(layers(dockerfile))
                .setEnvironment(image.environment())
                .setUser(image.user())
                .setWorkingDirectory(AbsoluteUnixPath.get(image.workdir()))
                .setExposedPorts(ports(image.exposedPorts()))
                .setLabels(image.labels())
                .setEntrypoint(image.entrypoint());
        Path output = repository.resolve("target").resolve(OUTPUT);
        jib.containerize(Containerizer.to(TarImage.at(output).named(NAME))
                .setBaseImageLayersCache(work.resolve("cache/base"))
                .setApplicationLayersCache(work.resolve("cache/application"))
                .setToolName("coffre-container-image")
                .addEventHandler(LogEvent.class, ContainerImage::log));
        return output;
    }

    /** One layer for each COPY of the image's stage, in order. */
    private List<FileEntriesLayer> layers(Dockerfile dockerfile) throws IOException {
        List<FileEntriesLayer> layers = new ArrayList<>();
        for (Dockerfile.Copy copy : dockerfile.finalStage().copies()) {
            Path source = copy.from() == null
                    ? repository.resolve(copy.source())
                    : compiled(dockerfile.stage(copy.from()), copy.source());
            String destination = copy.destination().replaceFirst("/+$", "");
            if (Files.isRegularFile(source) && copy.destination().endsWith("/")) {
                destination += "/" + source.getFileName();
            }
            layers.add(FileEntriesLayer.builder()
                    .setName(destination.substring(destination.lastIndexOf('/') + 1))
                    .addEntryRecursive(source, AbsoluteUnixPath.get(destination))
                    .build());
        }
        return layers;
    }

    /**
     * A build stage whose RUN is a {@code javac}, as the health probe's: its COPY-ed sources
     * compiled here with the same release, into the directory the image copies {@code from}.
     */
    private Path compiled(Dockerfile stage, String from) throws IOException {
        String run = stage.all("RUN").get(0).arguments();
        Matcher release = RELEASE.matcher(run);
        Matcher classes = CLASSES.matcher(run);
        if (!run.startsWith("javac ") || !release.find() || !classes.find()) {
            throw new IllegalArgumentException("a stage that runs javac --release N -d DIR, not: " + run);
        }
        if (!from.replaceFirst("/+$", "").equals(classes.group(1).replaceFirst("/+$", ""))) {
            throw new IllegalArgumentException(
                    "COPY --from " + from + " is not what javac writes, " + classes.group(1));
        }
        Path out = work.resolve("stage-classes");
        Files.createDirectories(out);
        List<String> arguments = new ArrayList<>(List.of("--release", release.group(1), "-d", out.toString()));
        stage.copies().forEach(c -> arguments.add(repository.resolve(c.source()).toString()));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("compiling the health probe needs a JDK");
        }
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        if (javac.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new)) != 0) {
            throw new IllegalStateException(diagnostics.toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Set<Port> ports(List<String> exposed) {
        return exposed.stream()
                .map(p -> p.split("/"))
                .map(p -> Port.parseProtocol(Integer.parseInt(p[0]), p.length > 1 ? p[1] : "tcp"))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static void log(LogEvent event) {
        if (event.getLevel() == LogEvent.Level.ERROR || event.getLevel() == LogEvent.Level.WARN) {
            System.err.println("jib: " + event.getMessage());
        }
    }

    static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
