package fr.coffre.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;
import java.util.Objects;

/**
 * CloudNativePG's {@code postgresql.cnpg.io/v1} Cluster, written here because CloudNativePG
 * publishes no Java model on Maven Central. Only the fields Coffre's manifests use; StrictManifests
 * refuses any other, so a new one must be added here (checked against CloudNativePG's API
 * reference) first. Resources and quantities use fabric8's Kubernetes types.
 */
record CnpgCluster(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    CnpgCluster {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
    }

    record Spec(
            Integer instances,
            String imageName,
            String primaryUpdateStrategy,
            Boolean enableSuperuserAccess,
            Postgresql postgresql,
            Bootstrap bootstrap,
            Storage storage,
            ResourceRequirements resources,
            Affinity affinity) {}

    /** PostgreSQL's settings: CloudNativePG takes them as strings only. */
    record Postgresql(Map<String, String> parameters) {}

    record Bootstrap(InitDb initdb) {}

    record InitDb(String database, String owner, SecretRef secret) {}

    record SecretRef(String name) {}

    record Storage(Quantity size, String storageClass) {}

    record Affinity(Boolean enablePodAntiAffinity, String topologyKey, String podAntiAffinityType) {}
}
