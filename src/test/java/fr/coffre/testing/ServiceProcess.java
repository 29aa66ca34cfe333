package fr.coffre.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service (target/quarkus-app) run as its own process against the local stack, so
 * that a test can cap its heap, kill it with SIGKILL at a chosen instant and start it again.
 * Tests give it a port below Linux's ephemeral range (32768 and up), where an outgoing
 * connection could already hold it.
 */
public final class ServiceProcess implements AutoCloseable {

    // HTTP/1.1: an h2c upgrade attempt would queue every request behind a stalled first one.
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final String name;
    private final int port;
    private final List<String> command;
    private final Path jar;
    private final Path directory;
    private final Map<String, String> environment;
    private Process process;
    private int starts;

    /** target/quarkus-app run by this JVM's java with {@code jvmOptions}. */
    public ServiceProcess(String name, int port, List<String> jvmOptions, Map<String, String> environment) {
        this(name, port, javaCommand(jvmOptions), null, environment);
    }

    private ServiceProcess(
            String name, int port, List<String> command, Path directory, Map<String, String> environment) {
        this.name = name;
        this.port = port;
        this.command = List.copyOf(command);
        int option = command.indexOf("-jar");
        if (option < 0 || option + 1 >= command.size()) {
            throw new IllegalArgumentException("the command starts no jar: " + command);
        }
        this.jar = Path.of(command.get(option + 1));
        this.directory = directory;
        this.environment = Map.copyOf(environment);
    }

    /**
     * The service as {@code command} starts it ({@code java ... -jar .../quarkus-run.jar}) in
     * {@code directory}: another runtime or another copy of the application, as a container image's.
     */
    public static ServiceProcess command(
            String name, int port, List<String> command, Path directory, Map<String, String> environment) {
        return new ServiceProcess(name, port, command, directory, environment);
    }

    private static List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR.toString());
        return command;
    }

    /** The output of each start of this process so far, oldest first. */
    public List<Path> logs() {
        List<Path> logs = new ArrayList<>();
        for (int start = 1; start <= starts; start++) {
            logs.add(log(start));
        }
        return logs;
    }

    private Path log(int start) {
        return Path.of("target", "service-" + name + "-" + start + ".log");
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Its management interface (health, metrics), 1000 ports above its API. */
    public String managementUrl() {
        return "http://127.0.0.1:" + (port + 1000);
    }

    /** Starts the service and returns once it is ready. */
    public ServiceProcess start() {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after mvnw package");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Path log = log(++starts);
        builder.redirectOutput(log.toFile());
        Map<String, String> env = new HashMap<>(builder.environment());
        env.put("COFFRE_HTTP_PORT", String.valueOf(port));
        env.put("COFFRE_HTTP_HOST", "127.0.0.1");
        env.put("COFFRE_MANAGEMENT_PORT", String.valueOf(port + 1000));
        env.put("COFFRE_MANAGEMENT_HOST", "127.0.0.1");
        env.putAll(environment);
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the service", e);
        }
        await("service " + name + " ready (log: " + log + ")")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "the service exited with " + process.exitValue() + "; see " + log);
                    }
                    try {
                        return HTTP.send(
                                                HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
        return this;
    }

    /** Sends a body as it is read from {@code body}, as a producer's system streams a file. */
    /** A POST whose body comes chunked, of a length the server learns only at its end. */
    public CompletableFuture<HttpResponse<String>> post(
            String path, String token, String contentType, InputStream body) {
        return post(path, token, contentType, HttpRequest.BodyPublishers.ofInputStream(() -> body));
    }

    /** A POST that declares its body's length (Content-Length), as most clients' uploads do. */
    public CompletableFuture<HttpResponse<String>> post(String path, String token, String contentType, byte[] body) {
        return post(path, token, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private CompletableFuture<HttpResponse<String>> post(
            String path, String token, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .timeout(Duration.ofMinutes(5))
                .POST(body)
                .build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Uploads a corpus file as a new document ({@code POST /api/v1/documents}, unique metadata) and
     * answers its id; the test fails unless the service answers 201.
     */
    public String upload(String token, String corpusFile, String mediaType) throws Exception {
        Submissions body = Submissions.parts()
                .part(
                        "metadata",
                        "application/json",
                        Uploads.metadata(name + "-" + UUID.randomUUID())
                                .encode()
                                .getBytes(StandardCharsets.UTF_8))
                .part("content", mediaType, Corpus.bytes(corpusFile));
        HttpResponse<String> answer = post(
                        "/api/v1/documents", token, body.contentType(), new ByteArrayInputStream(body.bytes()))
                .get(60, TimeUnit.SECONDS);
        assertEquals(201, answer.statusCode(), answer.body());
        return new JsonObject(answer.body()).getString("id");
    }

    /** SIGKILL: no shutdown hook, no flush, like a power cut or the OOM killer. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the service did not die");
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The running JVM: its children are the worker's extraction processes. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }

    /** SIGTERM, then up to {@code grace} for it to shut down on its own before SIGKILL. */
    public void stop(Duration grace) throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        }
    }
}
