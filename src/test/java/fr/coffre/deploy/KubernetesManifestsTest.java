package fr.coffre.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.coffre.deploy.StrictManifests.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Kubernetes manifests under k8s/, read without a cluster: every YAML document is parsed
 * strictly into its typed model (StrictManifests: unknown kinds and fields fail), every
 * kustomization's references exist, every overlay patch hits a resource, and the base follows
 * ManifestRules (probes, security, autoscaling, topics against application.properties, the
 * database's synchronous replication and backups, ...); each overlay's database cluster, and the
 * restore Cluster of docs/operations.md, are checked too.
 * Where kubectl or kustomize is installed, each overlay is also rendered and checked whole.
 */
class KubernetesManifestsTest {

    static final Path K8S = Path.of("k8s");
    static final Path BASE = K8S.resolve("base");
    static final Path OVERLAYS = K8S.resolve("overlays");
    static final String KUSTOMIZATION = "kustomization.yaml";
    static final Path RUNBOOK = Path.of("docs", "operations.md");

    private final StrictManifests reader = new StrictManifests();

    @TestFactory
    Stream<DynamicTest> everyYamlDocumentParsesIntoItsTypedModel() {
        return yamlFiles().stream()
                .map(file -> dynamicTest(
                        K8S.relativize(file).toString(),
                        () -> assertFalse(reader.read(file).isEmpty(), file + " holds no document")));
    }

    @Test
    void kustomizationsReferenceFilesThatExistAndEveryFileIsReferenced() {
        List<String> problems = new ArrayList<>();
        Set<Path> referenced = new TreeSet<>();
        for (Path file : yamlFiles()) {
            if (!file.getFileName().toString().equals(KUSTOMIZATION)) {
                continue;
            }
            Path dir = file.getParent();
            Kustomization kustomization = kustomization(dir);
            for (String resource : kustomization.resources()) {
                Path target = dir.resolve(resource).normalize();
                if (Files.isDirectory(target)) {
                    if (!Files.isRegularFile(target.resolve(KUSTOMIZATION))) {
                        problems.add(file + ": resource " + resource + " is a directory without " + KUSTOMIZATION);
                    }
                } else if (Files.isRegularFile(target)) {
                    referenced.add(target);
                } else {
                    problems.add(file + ": resource " + resource + " does not exist");
                }
            }
            for (Kustomization.Patch patch : kustomization.patches()) {
                if (patch.path() != null) {
                    Path target = dir.resolve(patch.path()).normalize();
                    if (Files.isRegularFile(target)) {
                        referenced.add(target);
                    } else {
                        problems.add(file + ": patch " + patch.path() + " does not exist");
                    }
                }
            }
        }
        for (Path file : yamlFiles()) {
            if (!file.getFileName().toString().equals(KUSTOMIZATION) && !referenced.contains(file.normalize())) {
                problems.add(file + " is in no kustomization: applied nowhere");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyOverlayPatchTargetsAResourceOfItsBase() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> overlays = overlays();
        assertEquals(
                Set.of("dev", "prod"),
                overlays.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        for (Path overlay : overlays) {
            Kustomization kustomization = kustomization(overlay);
            List<Manifest> inventory = resources(overlay);
            assertFalse(kustomization.patches().isEmpty(), overlay + " patches nothing");
            for (Kustomization.Patch patch : kustomization.patches()) {
                String where = overlay + ": patch " + (patch.path() != null ? patch.path() : "(inline)");
                List<Manifest> patchDocuments = patch.path() != null
                        ? reader.read(overlay.resolve(patch.path()))
                        : reader.read(overlay.resolve(KUSTOMIZATION), patch.patch());
                if (patch.target() != null) {
                    if (inventory.stream().noneMatch(m -> matches(patch.target(), m))) {
                        problems.add(where + ": its target " + patch.target() + " matches nothing");
                    }
                    for (Manifest document : patchDocuments) {
                        if (!document.kind().equals(patch.target().kind())) {
                            problems.add(where + ": a " + document.kind() + " patch aimed at "
                                    + patch.target().kind());
                        }
                    }
                    continue;
                }
                for (Manifest document : patchDocuments) {
                    boolean hit = inventory.stream()
                            .anyMatch(m -> m.apiVersion().equals(document.apiVersion())
                                    && m.kind().equals(document.kind())
                                    && m.name().equals(document.name()));
                    if (!hit) {
                        problems.add(where + ": no " + document.apiVersion() + " " + document.kind() + " named "
                                + document.name() + " in what the overlay includes");
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theBaseFollowsTheRules() throws IOException {
        List<String> problems = rules(resources(BASE)).check();
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void secretsAreReferencedByNameAndDocumented() throws IOException {
        Set<String> references = rules(resources(BASE)).secretReferences();
        assertFalse(references.isEmpty(), "the deployments read no Secret: where do the passwords come from?");
        String readme = Files.readString(K8S.resolve("README.md"));
        List<String> undocumented = new ArrayList<>();
        for (String reference : references) {
            String secret = reference.substring(0, reference.indexOf('/'));
            String key = reference.substring(reference.indexOf('/') + 1);
            if (!readme.contains("`" + secret + "`") || !readme.contains("`" + key + "`")) {
                undocumented.add(reference);
            }
        }
        assertTrue(
                undocumented.isEmpty(), "k8s/README.md must name every Secret and key the pods read: " + undocumented);
    }

    @Test
    void theRulesNoticeAMissingSynchronousStandbyWalArchiveOrScheduledBackup() throws IOException {
        List<Manifest> base = resources(BASE);
        assertTrue(rules(base).check().isEmpty(), "the base itself follows the rules");
        assertProblem(
                withCluster(base, spec -> ((ObjectNode) spec.get("postgresql")).remove("synchronous")),
                "no synchronous replication");
        assertProblem(
                withCluster(
                        base,
                        spec -> ((ObjectNode) spec.get("postgresql").get("synchronous"))
                                .put("dataDurability", "preferred")),
                "dataDurability must be required");
        assertProblem(
                withCluster(
                        base,
                        spec -> ((ObjectNode) spec.get("postgresql").get("synchronous")).remove("failoverQuorum")),
                "failoverQuorum must be true");
        assertProblem(withCluster(base, spec -> spec.remove("backup")), "no WAL archive");
        assertProblem(
                withCluster(base, spec -> ((ObjectNode) spec.get("backup").get("barmanObjectStore")).remove("wal")),
                "must compress the WAL");
        assertProblem(
                base.stream()
                        .filter(m -> !(m.typed() instanceof CnpgScheduledBackup))
                        .toList(),
                "expected one ScheduledBackup");
    }

    @Test
    void everyOverlaysDatabaseArchivesItsWalAndOnlyDevRunsWithoutASynchronousStandby() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> archives = new HashMap<>();
        for (Path overlay : overlays()) {
            String name = overlay.getFileName().toString();
            CnpgCluster cluster = renderedCluster(overlay);
            ManifestRules.durabilityProblems(cluster).forEach(problem -> problems.add(name + ": " + problem));
            boolean synchronous = cluster.spec().postgresql() != null
                    && cluster.spec().postgresql().synchronous() != null;
            if (!synchronous && !name.equals("dev")) {
                problems.add(name + ": only dev may run without a synchronous standby");
            }
            String archive = archive(cluster);
            String other = archives.put(archive, name);
            if (archive != null && other != null) {
                // barman-cloud refuses to archive into a non-empty archive: the second cluster would stall.
                problems.add(name + " and " + other + " archive into the same place: " + archive);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyOverlayNamesKafkaByItsFullNameInItsOwnNamespaceForThePodsAndForKeda() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path overlay : overlays()) {
            String expected =
                    "coffre-kafka-kafka-bootstrap." + kustomization(overlay).namespace() + ".svc.cluster.local:9092";
            String pods = rendered(overlay, "ConfigMap", ManifestRules.CONFIG_MAP)
                    .path("data")
                    .path("COFFRE_KAFKA_BOOTSTRAP")
                    .asText();
            JsonNode trigger = rendered(overlay, "ScaledObject", ManifestRules.WORKER)
                    .path("spec")
                    .path("triggers")
                    .path(0)
                    .path("metadata");
            if (!expected.equals(pods)) {
                problems.add(overlay + ": COFFRE_KAFKA_BOOTSTRAP is " + pods + ", not " + expected);
            }
            if (!expected.equals(trigger.path("bootstrapServers").asText())) {
                problems.add(overlay + ": KEDA's trigger reads Kafka at "
                        + trigger.path("bootstrapServers").asText() + ", not " + expected);
            }
            if (!trigger.hasNonNull("version")) {
                problems.add(overlay + ": KEDA's trigger pins no Kafka protocol version");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyOverlaysApiAutoscalerCountsTheUploadsOfItsOwnPodsOnly() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path overlay : overlays()) {
            String namespace = kustomization(overlay).namespace();
            List<String> queries = new ArrayList<>();
            rendered(overlay, "ScaledObject", ManifestRules.API)
                    .path("spec")
                    .path("triggers")
                    .forEach(trigger ->
                            queries.add(trigger.path("metadata").path("query").asText()));
            if (queries.stream()
                    .noneMatch(q -> q.contains(ManifestRules.UPLOADS_IN_FLIGHT + "{namespace=\"" + namespace + "\""))) {
                problems.add(overlay + ": the api's autoscaler does not count " + ManifestRules.UPLOADS_IN_FLIGHT
                        + " in namespace " + namespace + " alone: " + queries);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theRulesNoticeAnApiAutoscalerOnCpuAloneOrOneThatWaitsForRefusals() throws IOException {
        List<Manifest> base = resources(BASE);
        assertProblem(
                changed(base, "ScaledObject", tree -> {
                    if (tree.path("metadata").path("name").asText().equals(ManifestRules.API)) {
                        ((ArrayNode) tree.get("spec").get("triggers")).remove(0);
                    }
                }),
                "must scale on coffre_uploads_in_flight");
        assertProblem(
                changed(base, "ScaledObject", tree -> {
                    if (tree.path("metadata").path("name").asText().equals(ManifestRules.API)) {
                        ((ObjectNode) tree.get("spec").get("triggers").get(0).get("metadata")).put("threshold", "32");
                    }
                }),
                "must be under the per-pod limit 32");
        assertProblem(
                base.stream().filter(m -> !m.kind().equals("PodMonitor")).toList(),
                "no PodMonitor has Prometheus scrape the api pods");
    }

    @Test
    void theRulesNoticeAManagementPortOpenToAnyoneOrProbesOnThePublicPort() throws IOException {
        List<Manifest> base = resources(BASE);
        assertProblem(
                changed(base, "NetworkPolicy", tree -> {
                    if (tree.path("metadata").path("name").asText().equals("coffre-api-ingress")) {
                        ((ObjectNode) tree.get("spec").get("ingress").get(1)).remove("from");
                    }
                }),
                "the management port 9000 (health, metrics, OpenAPI) may be reached from namespace monitoring only");
        assertProblem(
                changed(base, "Deployment", tree -> {
                    if (tree.path("metadata").path("name").asText().equals(ManifestRules.API)) {
                        ((ObjectNode) tree.at("/spec/template/spec/containers/0/readinessProbe/httpGet"))
                                .put("port", "http");
                    }
                }),
                "the readiness probe must use the management port 9000");
    }

    @Test
    void theRulesNoticeAShortKafkaNameAnUnpinnedTriggerAndKafkaPodsTheRestrictedLevelRefuses() throws IOException {
        List<Manifest> base = resources(BASE);
        assertProblem(
                changed(
                        base,
                        "ConfigMap",
                        tree -> ((ObjectNode) tree.get("data"))
                                .put("COFFRE_KAFKA_BOOTSTRAP", "coffre-kafka-kafka-bootstrap:9092")),
                "is not a bootstrap service's full name");
        assertProblem(
                changed(
                        base,
                        "ScaledObject",
                        tree -> ((ObjectNode)
                                        tree.get("spec").get("triggers").get(0).get("metadata"))
                                .remove("version")),
                "must pin a protocol version");
        assertProblem(
                changed(base, "KafkaNodePool", tree -> ((ObjectNode) tree.get("spec")).remove("template")),
                "KafkaNodePool dual-role: the pod template must set runAsNonRoot: true");
        assertProblem(
                changed(
                        base,
                        "Kafka",
                        tree -> ((ObjectNode) tree.get("spec")
                                        .get("entityOperator")
                                        .get("template")
                                        .get("topicOperatorContainer"))
                                .remove("securityContext")),
                "topic operator container: allowPrivilegeEscalation must be false");
    }

    @Test
    void theRunbooksRestoreClusterReadsProdsArchiveAndWritesItsOwn() throws IOException {
        List<String> clusters = new ArrayList<>();
        Matcher blocks = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(RUNBOOK));
        while (blocks.find()) {
            if (blocks.group(1).contains("kind: Cluster")) {
                clusters.add(blocks.group(1));
            }
        }
        assertEquals(1, clusters.size(), RUNBOOK + " must hold one restore Cluster");
        CnpgCluster restore = reader.read(RUNBOOK, clusters.get(0)).get(0).as(CnpgCluster.class);
        CnpgCluster prod = renderedCluster(OVERLAYS.resolve("prod"));
        List<String> problems = new ArrayList<>(ManifestRules.durabilityProblems(restore));
        if (restore.metadata().getName().equals(prod.metadata().getName())) {
            problems.add("the example restores beside the live cluster: it needs a name of its own");
        }
        CnpgCluster.Bootstrap bootstrap = restore.spec().bootstrap();
        CnpgCluster.Recovery recovery = bootstrap == null ? null : bootstrap.recovery();
        if (recovery == null || bootstrap.initdb() != null) {
            problems.add("the restore Cluster must bootstrap by recovery only");
        } else {
            CnpgCluster.ExternalCluster source = Objects.requireNonNullElse(
                            restore.spec().externalClusters(), List.<CnpgCluster.ExternalCluster>of())
                    .stream()
                    .filter(c -> c.name().equals(recovery.source()))
                    .findFirst()
                    .orElse(null);
            if (source == null || source.barmanObjectStore() == null) {
                problems.add(
                        "recovery.source " + recovery.source() + " names no external cluster with an object store");
            } else {
                // For an external cluster, barman-cloud's serverName defaults to the external cluster's name.
                String from = archive(source.barmanObjectStore(), source.name());
                if (!Objects.equals(from, archive(prod))) {
                    problems.add("the restore reads " + from + ", prod archives into " + archive(prod));
                }
                if (!Objects.equals(
                        source.barmanObjectStore().s3Credentials(),
                        prod.spec().backup().barmanObjectStore().s3Credentials())) {
                    problems.add("the restore must read the archive with prod's backup credentials");
                }
                if (Objects.equals(archive(restore), from)) {
                    problems.add("the restored cluster would archive into the archive it restores from: " + from);
                }
            }
            String time = recovery.recoveryTarget() == null
                    ? null
                    : recovery.recoveryTarget().targetTime();
            try {
                OffsetDateTime.parse(Objects.requireNonNull(time, "no recoveryTarget.targetTime"));
            } catch (RuntimeException e) {
                problems.add("recoveryTarget.targetTime must be RFC 3339 with its offset (" + e.getMessage() + ")");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // --- helpers ------------------------------------------------------------------------------

    private void assertProblem(List<Manifest> manifests, String expected) {
        List<String> problems = rules(manifests).check();
        assertTrue(
                problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem saying \"" + expected + "\", got: " + problems);
    }

    /** The manifests with every resource of that kind changed, read again strictly. */
    private List<Manifest> changed(List<Manifest> manifests, String kind, Consumer<ObjectNode> change) {
        List<Manifest> changed = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.kind().equals(kind)) {
                ObjectNode tree = m.tree().deepCopy();
                change.accept(tree);
                changed.add(new Manifest(m.file(), m.index(), tree, reader.typed(tree, m.toString())));
            } else {
                changed.add(m);
            }
        }
        return changed;
    }

    /** The manifests with the Cluster's spec changed, read again strictly. */
    private List<Manifest> withCluster(List<Manifest> manifests, Consumer<ObjectNode> change) {
        return changed(manifests, "Cluster", tree -> change.accept((ObjectNode) tree.get("spec")));
    }

    /** Where a cluster's WAL and base backups go: barman-cloud writes under destinationPath/serverName. */
    static String archive(CnpgCluster cluster) {
        CnpgCluster.Backup backup = cluster.spec().backup();
        return backup == null
                ? null
                : archive(backup.barmanObjectStore(), cluster.metadata().getName());
    }

    private static String archive(CnpgCluster.BarmanObjectStore store, String defaultServerName) {
        if (store == null || store.destinationPath() == null) {
            return null;
        }
        String server = store.serverName() != null ? store.serverName() : defaultServerName;
        return store.endpointURL() + " " + store.destinationPath().replaceFirst("/+$", "") + "/" + server;
    }

    /**
     * The overlay's Cluster as kustomize renders it: the base's, with the overlay's Cluster patches
     * merged in as kustomize merges a kind it has no schema for.
     */
    private CnpgCluster renderedCluster(Path overlay) throws IOException {
        List<Manifest> clusters = resources(overlay).stream()
                .filter(m -> m.typed() instanceof CnpgCluster)
                .toList();
        assertEquals(1, clusters.size(), overlay + " must include one Cluster");
        ObjectNode tree = rendered(overlay, clusters.get(0), false);
        return (CnpgCluster) reader.typed(tree, overlay + " (rendered Cluster)");
    }

    /** The overlay's resource of that kind and name as kustomize renders it (see {@link #rendered(Path, Manifest, boolean)}). */
    private ObjectNode rendered(Path overlay, String kind, String name) throws IOException {
        List<Manifest> found = resources(overlay).stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .toList();
        assertEquals(1, found.size(), overlay + " must include one " + kind + " " + name);
        return rendered(overlay, found.get(0), true);
    }

    /**
     * A resource of the overlay's base with the overlay's patches merged in as kustomize merges a
     * kind it has no schema for (a list in a patch replaces the base's whole list, when allowed).
     */
    private ObjectNode rendered(Path overlay, Manifest base, boolean listsReplace) throws IOException {
        ObjectNode tree = base.tree().deepCopy();
        for (Kustomization.Patch patch : kustomization(overlay).patches()) {
            List<Manifest> documents = patch.path() != null
                    ? reader.read(overlay.resolve(patch.path()))
                    : reader.read(overlay.resolve(KUSTOMIZATION), patch.patch());
            for (Manifest document : documents) {
                boolean aimed = patch.target() != null
                        ? matches(patch.target(), base)
                        : document.apiVersion().equals(base.apiVersion())
                                && document.kind().equals(base.kind())
                                && document.name().equals(base.name());
                if (aimed) {
                    merge(tree, document.tree(), overlay + ": " + document, listsReplace);
                }
            }
        }
        return tree;
    }

    /**
     * Mappings merge key by key, a null deletes the key, anything else replaces. A list replaces the
     * base's whole list, which a patch rarely means: refused unless {@code listsReplace}.
     */
    private static void merge(ObjectNode target, JsonNode patch, String where, boolean listsReplace) {
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isArray() && !listsReplace) {
                throw new AssertionError(where + ": a list (" + key + ") in a Cluster patch replaces the whole list");
            } else if (value.isObject() && target.get(key) instanceof ObjectNode child) {
                merge(child, value, where, listsReplace);
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private ManifestRules rules(List<Manifest> manifests) {
        return new ManifestRules(manifests, AppProperties.load(), Dockerfile.read(ComposeFileTest.DOCKERFILE));
    }

    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(K8S)) {
            List<Path> yaml = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
            assertFalse(yaml.isEmpty(), "no YAML under " + K8S.toAbsolutePath());
            return yaml;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> overlays() {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Kustomization kustomization(Path dir) {
        List<Manifest> documents = reader.read(dir.resolve(KUSTOMIZATION));
        assertEquals(1, documents.size(), dir + "/" + KUSTOMIZATION + " must hold one document");
        return documents.get(0).as(Kustomization.class);
    }

    /** The resources a kustomization directory includes, recursively, before any patch. */
    private List<Manifest> resources(Path dir) throws IOException {
        List<Manifest> all = new ArrayList<>();
        for (String resource : kustomization(dir).resources()) {
            Path target = dir.resolve(resource).normalize();
            if (Files.isDirectory(target)) {
                all.addAll(resources(target));
            } else {
                all.addAll(reader.read(target));
            }
        }
        return all;
    }

    private static boolean matches(Kustomization.Target target, Manifest m) {
        String version = m.apiVersion().substring(m.apiVersion().indexOf('/') + 1);
        return (target.kind() == null || target.kind().equals(m.kind()))
                && (target.group() == null || target.group().equals(m.group()))
                && (target.version() == null || target.version().equals(version))
                && (target.name() == null || Pattern.matches(target.name(), m.name()));
    }
}
