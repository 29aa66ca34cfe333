package fr.coffre.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
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
            Advanced advanced,
            List<Trigger> triggers) {}

    /** The HorizontalPodAutoscaler KEDA makes: its scaling behaviour. */
    record Advanced(HpaConfig horizontalPodAutoscalerConfig) {}

    record HpaConfig(HorizontalPodAutoscalerBehavior behavior) {}

    record ScaleTarget(String apiVersion, String kind, String name) {

        ScaleTarget {
            Objects.requireNonNull(name, "scaleTargetRef.name");
        }
    }

    record AuthenticationRef(String name, String kind) {}

    /**
     * KEDA's trigger metadata is a map of strings; for the Kafka, Prometheus and CPU scalers only
     * their own keys are accepted.
     */
    record Trigger(
            String type,
            String name,
            String metricType,
            Map<String, String> metadata,
            AuthenticationRef authenticationRef) {

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

        // The Prometheus scaler's parameters (KEDA 2.x documentation, "Prometheus" scaler).
        static final Set<String> PROMETHEUS_METADATA = Set.of(
                "serverAddress",
                "query",
                "queryParameters",
                "threshold",
                "activationThreshold",
                "namespace",
                "customHeaders",
                "ignoreNullValues",
                "unsafeSsl",
                "timeout");

        // The CPU scaler's (its metricType is the trigger's own field).
        static final Set<String> CPU_METADATA = Set.of("value", "containerName");

        static final Map<String, Set<String>> KNOWN =
                Map.of("kafka", KAFKA_METADATA, "prometheus", PROMETHEUS_METADATA, "cpu", CPU_METADATA);

        Trigger {
            Objects.requireNonNull(type, "trigger type");
            Objects.requireNonNull(metadata, "trigger metadata");
            Set<String> known = KNOWN.get(type);
            if (known == null) {
                throw new IllegalArgumentException("a " + type + " trigger is not one these rules know");
            }
            for (String key : metadata.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("unknown " + type + " scaler parameter " + key);
                }
            }
        }
    }
}
