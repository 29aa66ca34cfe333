package fr.coffre.deploy;

import java.util.List;
import java.util.Map;

/**
 * kustomize's {@code kustomize.config.k8s.io/v1beta1} Kustomization (kustomize publishes no Java
 * model). Only the fields Coffre's kustomization files use; StrictManifests refuses any other
 * (deprecated ones such as patchesStrategicMerge or commonLabels included), so a new one must be
 * added here, as kustomize documents it, first.
 */
record Kustomization(
        String apiVersion,
        String kind,
        String namespace,
        List<Label> labels,
        List<String> resources,
        List<Patch> patches,
        List<Image> images) {

    Kustomization {
        resources = resources == null ? List.of() : resources;
        patches = patches == null ? List.of() : patches;
        labels = labels == null ? List.of() : labels;
        images = images == null ? List.of() : images;
    }

    record Label(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {}

    /** A patch from a file ({@code path}) or inline ({@code patch}), optionally with a target selector. */
    record Patch(String path, String patch, Target target) {

        Patch {
            if ((path == null) == (patch == null)) {
                throw new IllegalArgumentException("a patch needs exactly one of path and patch");
            }
        }
    }

    /** kustomize's selector; {@code name} is a regular expression, as in kustomize. */
    record Target(String group, String version, String kind, String name, String namespace) {}

    record Image(String name, String newName, String newTag, String digest) {}
}
