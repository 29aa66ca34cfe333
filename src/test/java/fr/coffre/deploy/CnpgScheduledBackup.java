package fr.coffre.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Objects;
import java.util.Set;

/**
 * CloudNativePG's {@code postgresql.cnpg.io/v1} ScheduledBackup, as CnpgCluster: only the fields
 * Coffre's manifests use, enums checked as the CRD does.
 */
record CnpgScheduledBackup(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    CnpgScheduledBackup {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
    }

    /** {@code schedule} has six fields, seconds first (robfig/cron), unlike a CronJob's five. */
    record Spec(
            String schedule,
            ClusterRef cluster,
            String method,
            Boolean immediate,
            Boolean suspend,
            String backupOwnerReference,
            String target) {

        Spec {
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(cluster, "cluster");
            if (method != null
                    && !Set.of("barmanObjectStore", "volumeSnapshot", "plugin").contains(method)) {
                throw new IllegalArgumentException("unknown backup method " + method);
            }
            if (backupOwnerReference != null
                    && !Set.of("none", "self", "cluster").contains(backupOwnerReference)) {
                throw new IllegalArgumentException("unknown backupOwnerReference " + backupOwnerReference);
            }
            if (target != null && !Set.of("primary", "prefer-standby").contains(target)) {
                throw new IllegalArgumentException("unknown backup target " + target);
            }
        }
    }

    record ClusterRef(String name) {

        ClusterRef {
            Objects.requireNonNull(name, "cluster.name");
        }
    }
}
