package fr.coffre.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Objects;

/**
 * The Prometheus Operator's {@code monitoring.coreos.com/v1} PodMonitor, with the fields Coffre's
 * manifests use only; StrictManifests refuses any other, so a new one must be added here (checked
 * against the operator's CRD) first.
 */
record PodMonitor(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    PodMonitor {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
    }

    record Spec(LabelSelector selector, List<Endpoint> podMetricsEndpoints) {}

    record Endpoint(String port, String path, String interval) {}
}
