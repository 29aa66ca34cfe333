package fr.coffre.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker/compose.yaml and docker/Dockerfile, checked without a Docker engine: the compose file
 * is read with SnakeYAML (already on the test classpath; it resolves YAML anchors and merge
 * keys as Compose does), and every file, service and variable it names must exist.
 */
class ComposeFileTest {

    static final Path DOCKER = Path.of("docker");
    static final Path COMPOSE = DOCKER.resolve("compose.yaml");
    static final Path DOCKERFILE = DOCKER.resolve("Dockerfile");
    static final Path REPOSITORY = Path.of("");

    private static final Set<String> TOP_LEVEL =
            Set.of("name", "services", "volumes", "networks", "configs", "secrets");

    /** The Compose specification's service attributes this project may use; anything else is a typo. */
    private static final Set<String> SERVICE_KEYS = Set.of(
            "build",
            "image",
            "command",
            "entrypoint",
            "environment",
            "env_file",
            "volumes",
            "ports",
            "expose",
            "healthcheck",
            "depends_on",
            "restart",
            "mem_limit",
            "cpus",
            "user",
            "working_dir",
            "networks",
            "labels",
            "profiles",
            "container_name",
            "hostname",
            "read_only",
            "tmpfs",
            "stop_grace_period",
            "pull_policy",
            "init",
            "security_opt",
            "cap_drop",
            "logging",
            "deploy");

    private static final Set<String> CONDITIONS =
            Set.of("service_started", "service_healthy", "service_completed_successfully");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void read() throws IOException {
        assertTrue(Files.isRegularFile(COMPOSE), COMPOSE.toAbsolutePath() + " is missing");
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader reader = Files.newBufferedReader(COMPOSE)) {
            compose = map(new Yaml(new SafeConstructor(options)).load(reader), "compose.yaml");
        }
        services = new LinkedHashMap<>();
        map(compose.get("services"), "services").forEach((name, service) -> services.put(name, map(service, name)));
    }

    @Test
    void usesOnlyKnownTopLevelAndServiceAttributes() {
        List<String> problems = new ArrayList<>();
        for (String key : compose.keySet()) {
            if (!TOP_LEVEL.contains(key) && !key.startsWith("x-")) {
                problems.add("unknown top-level attribute " + key);
            }
        }
        services.forEach((name, service) -> {
            for (String key : service.keySet()) {
                if (!SERVICE_KEYS.contains(key)) {
                    problems.add(name + ": unknown attribute " + key);
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyServiceHasAnImageOrABuildWhoseFilesExist() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            if (!service.containsKey("image") && !service.containsKey("build")) {
                problems.add(name + ": neither image nor build");
            }
            if (service.get("image") instanceof String image && (!image.contains(":") || image.endsWith(":latest"))) {
                problems.add(name + ": pin the image's version, not " + image);
            }
            if (service.containsKey("build")) {
                Map<String, Object> build = map(service.get("build"), name + ".build");
                Path context = DOCKER.resolve((String) build.getOrDefault("context", "."))
                        .normalize();
                if (!Files.isDirectory(context)) {
                    problems.add(name + ": build context " + context + " does not exist");
                }
                Path dockerfile = context.resolve((String) build.getOrDefault("dockerfile", "Dockerfile"))
                        .normalize();
                if (!Files.isRegularFile(dockerfile)) {
                    problems.add(name + ": Dockerfile " + dockerfile + " does not exist");
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyMountedFileAndNamedVolumeExists() {
        List<String> problems = new ArrayList<>();
        Map<String, Object> volumes =
                compose.get("volumes") == null ? Map.of() : map(compose.get("volumes"), "volumes");
        services.forEach((name, service) -> {
            for (Object volume : list(service.getOrDefault("volumes", List.of()), name + ".volumes")) {
                String source;
                if (volume instanceof String shortSyntax) {
                    String[] parts = shortSyntax.split(":");
                    if (parts.length < 2) {
                        problems.add(name + ": anonymous volume " + shortSyntax + " (name it)");
                        continue;
                    }
                    source = parts[0];
                } else {
                    source = (String) map(volume, name + ".volumes").get("source");
                }
                if (source.startsWith(".") || source.startsWith("/")) {
                    Path path = DOCKER.resolve(source).normalize();
                    if (!Files.exists(path)) {
                        problems.add(name + ": mounts " + source + ", which does not exist (" + path + ")");
                    }
                } else if (!volumes.containsKey(source)) {
                    problems.add(name + ": named volume " + source + " is not declared under volumes");
                }
            }
            for (Object envFile : list(service.getOrDefault("env_file", List.of()), name + ".env_file")) {
                String file = envFile instanceof String s
                        ? s
                        : (String) map(envFile, name + ".env_file").get("path");
                if (!Files.isRegularFile(DOCKER.resolve(file))) {
                    problems.add(name + ": env_file " + file + " does not exist");
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void dependenciesNameExistingServicesAndWaitForHealthWhereThereIsACheck() {
        List<String> problems = new ArrayList<>();
        boolean imageHasHealthcheck =
                !Dockerfile.read(DOCKERFILE).finalStage().all("HEALTHCHECK").isEmpty();
        services.forEach((name, service) -> {
            Object dependsOn = service.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            Map<String, Object> dependencies = new LinkedHashMap<>();
            if (dependsOn instanceof List<?> names) {
                names.forEach(n -> dependencies.put((String) n, Map.of("condition", "service_started")));
            } else {
                dependencies.putAll(map(dependsOn, name + ".depends_on"));
            }
            dependencies.forEach((dependency, spec) -> {
                Map<String, Object> target = services.get(dependency);
                if (target == null) {
                    problems.add(name + ": depends on " + dependency + ", which is no service");
                    return;
                }
                String condition =
                        (String) map(spec, name + ".depends_on." + dependency).get("condition");
                if (!CONDITIONS.contains(condition)) {
                    problems.add(name + ": unknown condition " + condition + " on " + dependency);
                }
                boolean checked =
                        target.containsKey("healthcheck") || (target.containsKey("build") && imageHasHealthcheck);
                if ("service_healthy".equals(condition) && !checked) {
                    problems.add(name + ": waits for " + dependency + " to be healthy, which has no healthcheck");
                }
                if (!"service_completed_successfully".equals(condition) && !checked) {
                    problems.add(name + ": " + dependency + " has no healthcheck; wait for it with one");
                }
            });
        });
        services.forEach((name, service) -> {
            if (service.get("healthcheck") != null) {
                List<?> test = list(
                        map(service.get("healthcheck"), name + ".healthcheck").get("test"), name + ".healthcheck.test");
                if (test.isEmpty() || !Set.of("CMD", "CMD-SHELL").contains(test.get(0))) {
                    problems.add(name + ": a healthcheck test starts with CMD or CMD-SHELL");
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void apiAndWorkerRunTheSameImageInTheirRoleWithVariablesTheServiceReads() {
        Map<String, Object> api = services.get("api");
        Map<String, Object> worker = services.get("worker");
        assertNotNull(api, "no api service");
        assertNotNull(worker, "no worker service");
        assertEquals(api.get("image"), worker.get("image"), "api and worker must run the same image");
        assertEquals(api.get("build"), worker.get("build"), "api and worker must build the same image");
        assertEquals("api", environment("api").get(AppProperties.ROLES_VARIABLE));
        assertEquals("worker", environment("worker").get(AppProperties.ROLES_VARIABLE));
        assertTrue(
                list(api.get("ports"), "api.ports").stream()
                        .anyMatch(p -> String.valueOf(p).endsWith(":8080")),
                "the api must publish port 8080");
        assertFalse(worker.containsKey("ports"), "the worker serves no traffic: publish no port");

        AppProperties app = AppProperties.load();
        Set<String> known = app.environmentNames();
        List<String> problems = new ArrayList<>();
        for (String service : List.of("api", "worker")) {
            Map<String, String> env = environment(service);
            env.keySet().stream()
                    .filter(v -> v.startsWith("COFFRE_") && !known.contains(v))
                    .forEach(v -> problems.add(
                            service + ": " + v + " is read nowhere in application.properties (misspelt?)"));
            app.requiredInProd().stream()
                    .filter(v -> !env.containsKey(v))
                    .forEach(v -> problems.add(service + ": " + v + " is required by the prod profile and not set"));
            // One Kafka broker: the service must not ask for more replicas than exist.
            if (!"1".equals(env.get("COFFRE_KAFKA_REPLICATION_FACTOR"))
                    || !"1".equals(env.get("COFFRE_KAFKA_MIN_ISR"))) {
                problems.add(
                        service + ": one broker means COFFRE_KAFKA_REPLICATION_FACTOR=1 and COFFRE_KAFKA_MIN_ISR=1");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void kafkaFormatsItsStorageWithAValidKraftClusterId() {
        String kafkaHost = environment("api").get("COFFRE_KAFKA_BOOTSTRAP").replaceAll(":.*", "");
        String clusterId = environment(kafkaHost).get("CLUSTER_ID");
        assertNotNull(clusterId, "the image formats its storage only with a CLUSTER_ID");
        // What kafka-storage format checks: 16 bytes in URL-safe base64, not one of the reserved ids.
        Uuid id = assertDoesNotThrow(
                () -> Uuid.fromString(clusterId), clusterId + " is no KRaft cluster id: Kafka would never start");
        assertFalse(Uuid.RESERVED.contains(id), clusterId + " is reserved");
    }

    @Test
    void theServiceReachesTheOtherServicesWithTheirOwnCredentials() throws IOException {
        Map<String, String> env = environment("api");
        List<String> problems = new ArrayList<>();
        String pgHost = env.get("COFFRE_PG_HOST");
        String kafkaHost = env.get("COFFRE_KAFKA_BOOTSTRAP").replaceAll(":.*", "");
        String s3Host = URI.create(env.get("COFFRE_S3_ENDPOINT")).getHost();
        String oidcHost = URI.create(env.get("COFFRE_OIDC_URL")).getHost();
        for (String host : List.of(pgHost, kafkaHost, s3Host, oidcHost)) {
            if (!services.containsKey(host)) {
                problems.add("the service points at " + host + ", which is no service of the compose file");
            }
        }
        if (problems.isEmpty()) {
            Map<String, String> postgres = environment(pgHost);
            if (!env.get("COFFRE_PG_PASSWORD").equals(postgres.get("POSTGRES_PASSWORD"))
                    || !env.get("COFFRE_PG_USER").equals(postgres.get("POSTGRES_USER"))
                    || !env.get("COFFRE_PG_DB").equals(postgres.get("POSTGRES_DB"))) {
                problems.add("PostgreSQL's user, password or database differ from the service's");
            }
            Map<String, String> minio = environment(s3Host);
            if (!env.get("COFFRE_S3_ACCESS_KEY").equals(minio.get("MINIO_ROOT_USER"))
                    || !env.get("COFFRE_S3_SECRET_KEY").equals(minio.get("MINIO_ROOT_PASSWORD"))) {
                problems.add("MinIO's credentials differ from the service's");
            }
            if (!"false".equals(environment(kafkaHost).get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"))) {
                problems.add("Kafka must not create topics by itself: the service creates them with their settings");
            }
            Map<String, Object> keycloak = services.get(oidcHost);
            if (!list(keycloak.get("command"), "keycloak.command").contains("--import-realm")) {
                problems.add("Keycloak must be started with --import-realm");
            }
            String realmMount = list(keycloak.get("volumes"), "keycloak.volumes").stream()
                    .map(String::valueOf)
                    .filter(v -> v.contains("/opt/keycloak/data/import/"))
                    .findFirst()
                    .orElse(null);
            if (realmMount == null) {
                problems.add("Keycloak mounts no realm into /opt/keycloak/data/import");
            } else {
                Path realmFile = DOCKER.resolve(realmMount.split(":")[0]).normalize();
                assertEquals(
                        Path.of("stack/keycloak/coffre-realm.json"), realmFile, "the realm must be the local stack's");
                String realm = realmName(Files.readString(realmFile));
                if (!env.get("COFFRE_OIDC_URL").endsWith("/realms/" + realm)) {
                    problems.add(
                            "COFFRE_OIDC_URL " + env.get("COFFRE_OIDC_URL") + " is not the imported realm " + realm);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theDockerfileBuildsANonRootImageWithAHealthcheckFromTheFastJarLayout() {
        assertTrue(Files.isRegularFile(DOCKERFILE), DOCKERFILE + " is missing");
        Dockerfile dockerfile = Dockerfile.read(DOCKERFILE);
        Dockerfile image = dockerfile.finalStage();
        List<String> problems = new ArrayList<>();

        String base = image.all("FROM").get(0).arguments();
        if (!base.contains(":") || base.contains(":latest")) {
            problems.add("pin the base image's version: FROM " + base);
        }
        String user = dockerfile.user();
        if (user == null || !user.matches("[1-9][0-9]*(:[0-9]+)?")) {
            problems.add(
                    "the image must run as a numeric non-root USER (Kubernetes' runAsNonRoot checks a number), not "
                            + user);
        }
        List<Dockerfile.Instruction> healthchecks = image.all("HEALTHCHECK");
        if (healthchecks.size() != 1 || !healthchecks.get(0).arguments().contains("CMD")) {
            problems.add("the image needs one HEALTHCHECK with a CMD");
        }
        if (image.all("EXPOSE").stream().noneMatch(e -> e.arguments().contains("8080"))) {
            problems.add("the image must EXPOSE 8080");
        }
        if (image.all("ENV").stream().noneMatch(e -> e.arguments().contains("MaxRAMPercentage"))) {
            problems.add("JAVA_OPTS must size the heap from the container's memory (MaxRAMPercentage)");
        }
        if (image.all("ENTRYPOINT").stream()
                .noneMatch(e ->
                        e.arguments().contains("exec java") || e.arguments().startsWith("[\"java\""))) {
            problems.add("the JVM must be PID 1 (exec) so that it receives SIGTERM");
        }

        // The four parts of the aot-jar (the fast-jar layout), in layers from the least to the most often changed.
        List<String> copied = image.all("COPY").stream()
                .map(Dockerfile.Instruction::arguments)
                .filter(a -> !a.startsWith("--from"))
                .map(a -> a.split("\\s+")[a.startsWith("--") ? 1 : 0])
                .toList();
        assertEquals(
                List.of(
                        "target/quarkus-app/lib/",
                        "target/quarkus-app/quarkus-run.jar",
                        "target/quarkus-app/app/",
                        "target/quarkus-app/quarkus/"),
                copied,
                "COPY of the aot-jar layout");

        // Everything copied from the build context that is not built by Maven is in the repository.
        for (Dockerfile.Instruction copy : dockerfile.all("COPY")) {
            if (copy.arguments().startsWith("--from")) {
                continue;
            }
            String source = copy.arguments().split("\\s+")[0];
            if (!source.startsWith("target/") && !Files.exists(REPOSITORY.resolve(source))) {
                problems.add("COPY " + source + ": no such file in the repository");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theBuildContextSendsOnlyWhatTheImageCopies() throws IOException {
        Path ignore = DOCKER.resolve("Dockerfile.dockerignore");
        assertTrue(
                Files.isRegularFile(ignore),
                "without " + ignore + " the whole repository, .coffre/ included, is sent to the builder");
        List<String> lines = Files.readAllLines(ignore).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertEquals("*", lines.get(0), "exclude everything first");
        assertTrue(lines.contains("!target/quarkus-app/"), "let target/quarkus-app through");
        assertTrue(lines.contains("!docker/healthcheck/HealthCheck.java"), "let the health probe's source through");
    }

    // --- helpers ------------------------------------------------------------------------------

    /** A service's environment, from either the map or the list form, every value as Compose passes it. */
    private static Map<String, String> environment(String service) {
        Object environment = services.get(service).get("environment");
        Map<String, String> env = new LinkedHashMap<>();
        if (environment instanceof List<?> entries) {
            for (Object entry : entries) {
                String text = (String) entry;
                int eq = text.indexOf('=');
                env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
            }
        } else if (environment != null) {
            map(environment, service + ".environment").forEach((name, value) -> {
                assertTrue(
                        value == null || value instanceof String,
                        service + ": " + name + " must be a quoted string, is " + value + " ("
                                + value.getClass().getSimpleName() + ")");
                env.put(name, (String) value);
            });
        }
        return env;
    }

    private static String realmName(String realmJson) {
        Matcher m = Pattern.compile("\"realm\"\\s*:\\s*\"([^\"]+)\"").matcher(realmJson);
        assertTrue(m.find(), "the realm file names no realm");
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String where) {
        assertTrue(value instanceof Map, where + " must be a mapping, is " + value);
        return (Map<String, Object>) value;
    }

    static List<?> list(Object value, String where) {
        if (value instanceof String s) {
            return List.of(s);
        }
        assertTrue(value instanceof List, where + " must be a list, is " + value);
        return (List<?>) value;
    }
}
