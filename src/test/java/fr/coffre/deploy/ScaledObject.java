package fr.coffre.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * KEDA's {@code keda.sh/v1alpha1} ScaledObject, written here because no KEDA model is published
 * on Maven Central. It holds the fields Coffre's manifests use; StrictManifests refuses any
 * other, so a new field must be added here (checked against KEDA's CRD) before it is used.
 */
record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    ScaledObject {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
    }

    record Spec(
            ScaleTarget scaleTargetRef,
            Integer pollingInterval,
            Integer cooldownPeriod,
            Integer idleReplicaCount,
            Integer minReplicaCount,
            Integer maxReplicaCount,
            List<Trigger> triggers) {}

    record ScaleTarget(String apiVersion, String kind, String name) {

        ScaleTarget {
            Objects.requireNonNull(name, "scaleTargetRef.name");
        }
    }

    record AuthenticationRef(String name, String kind) {}

    /** KEDA's trigger metadata is a map of strings; for Kafka only the scaler's own keys are accepted. */
    record Trigger(String type, String name, Map<String, String> metadata, AuthenticationRef authenticationRef) {

        // The Kafka scaler's parameters (KEDA 2.x documentation, "Apache Kafka" scaler).
        static final Set<String> KAFKA_METADATA = Set.of(
                "bootstrapServers",
                "bootstrapServersFromEnv",
                "consumerGroup",
                "consumerGroupFromEnv",
                "topic",
                "topicFromEnv",
                "lagThreshold",
                "activationLagThreshold",
                "offsetResetPolicy",
                "allowIdleConsumers",
                "scaleToZeroOnInvalidOffset",
                "excludePersistentLag",
                "limitToPartitionsWithLag",
                "ensureEvenDistributionOfPartitions",
                "partitionLimitation",
                "version",
                "sasl",
                "tls");

        Trigger {
            Objects.requireNonNull(type, "trigger type");
            Objects.requireNonNull(metadata, "trigger metadata");
            if (type.equals("kafka")) {
                for (String key : metadata.keySet()) {
                    if (!KAFKA_METADATA.contains(key)) {
                        throw new IllegalArgumentException("unknown Kafka scaler parameter " + key);
                    }
                }
            }
        }
    }
}
