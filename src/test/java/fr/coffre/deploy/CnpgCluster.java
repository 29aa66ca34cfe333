package fr.coffre.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CloudNativePG's {@code postgresql.cnpg.io/v1} Cluster, written here because CloudNativePG
 * publishes no Java model on Maven Central. Only the fields Coffre's manifests (and the restore
 * Cluster of docs/operations.md) use; StrictManifests refuses any other, so a new one must be added
 * here (checked against CloudNativePG's API reference) first. Values the CRD restricts (enums,
 * patterns) are checked as the API server would. Resources and quantities use fabric8's
 * Kubernetes types.
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
            Backup backup,
            List<ExternalCluster> externalClusters,
            Storage storage,
            ResourceRequirements resources,
            Affinity affinity) {}

    /** PostgreSQL's settings (CloudNativePG takes them as strings only) and synchronous replication. */
    record Postgresql(Map<String, String> parameters, Synchronous synchronous) {}

    /**
     * {@code spec.postgresql.synchronous} (CloudNativePG 1.24; dataDurability 1.25; failoverQuorum
     * 1.28). The older minSyncReplicas / maxSyncReplicas are not modelled: CloudNativePG refuses
     * both styles together, and these manifests use this one.
     */
    record Synchronous(String method, Integer number, String dataDurability, Boolean failoverQuorum) {

        // method and number are required by the CRD; an overlay's patch may still leave them out.
        Synchronous {
            if (method != null) {
                oneOf("synchronous.method", method, Set.of("any", "first"));
            }
            if (number != null && number <= 0) {
                throw new IllegalArgumentException("synchronous.number must be greater than zero");
            }
            if (dataDurability != null) {
                oneOf("synchronous.dataDurability", dataDurability, Set.of("required", "preferred"));
            }
        }
    }

    record Bootstrap(InitDb initdb, Recovery recovery) {}

    record InitDb(String database, String owner, SecretRef secret) {}

    /** A new cluster made from a backup and the WAL archive of {@code source}, an external cluster. */
    record Recovery(String source, RecoveryTarget recoveryTarget, String database, String owner, SecretRef secret) {}

    record RecoveryTarget(String targetTime) {}

    record ExternalCluster(String name, BarmanObjectStore barmanObjectStore) {

        ExternalCluster {
            Objects.requireNonNull(name, "externalClusters[].name");
        }
    }

    record SecretRef(String name) {}

    /** CloudNativePG's own secret key selector: a name and a key, nothing optional. */
    record SecretKey(String name, String key) {}

    record Backup(String retentionPolicy, String target, BarmanObjectStore barmanObjectStore) {

        static final Pattern RETENTION = Pattern.compile("^[1-9][0-9]*[dwm]$");

        Backup {
            if (retentionPolicy != null && !RETENTION.matcher(retentionPolicy).matches()) {
                throw new IllegalArgumentException(
                        "backup.retentionPolicy must match " + RETENTION + ": " + retentionPolicy);
            }
            if (target != null) {
                oneOf("backup.target", target, Set.of("primary", "prefer-standby"));
            }
        }
    }

    /** barman-cloud's object store; serverName defaults to the cluster's name. */
    record BarmanObjectStore(
            String destinationPath,
            String endpointURL,
            String serverName,
            S3Credentials s3Credentials,
            Wal wal,
            Data data) {}

    record S3Credentials(SecretKey accessKeyId, SecretKey secretAccessKey) {}

    record Wal(String compression, Integer maxParallel) {

        Wal {
            if (compression != null) {
                oneOf("wal.compression", compression, Set.of("bzip2", "gzip", "lz4", "snappy", "xz", "zstd"));
            }
        }
    }

    record Data(String compression, Integer jobs, Boolean immediateCheckpoint) {

        Data {
            if (compression != null) {
                oneOf("data.compression", compression, Set.of("bzip2", "gzip", "snappy"));
            }
        }
    }

    record Storage(Quantity size, String storageClass) {}

    record Affinity(Boolean enablePodAntiAffinity, String topologyKey, String podAntiAffinityType) {}

    private static void oneOf(String field, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(field + " must be one of " + allowed + ", is " + value);
        }
    }
}
