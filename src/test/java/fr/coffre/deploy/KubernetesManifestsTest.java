package fr.coffre.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import fr.coffre.deploy.StrictManifests.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 * ManifestRules (probes, security, autoscaling, topics against application.properties, ...).
 * Where kubectl or kustomize is installed, each overlay is also rendered and checked whole.
 */
class KubernetesManifestsTest {

    static final Path K8S = Path.of("k8s");
    static final Path BASE = K8S.resolve("base");
    static final Path OVERLAYS = K8S.resolve("overlays");
    static final String KUSTOMIZATION = "kustomization.yaml";

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

    // --- helpers ------------------------------------------------------------------------------

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
