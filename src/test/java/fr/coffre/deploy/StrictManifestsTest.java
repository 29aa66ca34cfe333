package fr.coffre.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict reader itself: what it must refuse, so that KubernetesManifestsTest means something. */
class StrictManifestsTest {

    private static final Path HERE = Path.of("inline.yaml");

    private final StrictManifests manifests = new StrictManifests();

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              selector:
                matchLabels: {app: d}
              template:
                metadata:
                  labels: {app: d}
                spec:
                  containers:
                    - name: c
                      image: i
                      %s
            """;

    @Test
    void readsEveryDocumentOfAFileIntoItsType() {
        List<StrictManifests.Manifest> read =
                manifests.read(HERE, DEPLOYMENT.formatted("imagePullPolicy: Always") + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c}
                data: {A: "1"}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 3, replicas: 3, config: {retention.ms: 1000}}
                """);
        assertEquals(3, read.size());
        assertInstanceOf(Deployment.class, read.get(0).typed());
        assertInstanceOf(ConfigMap.class, read.get(1).typed());
        assertEquals(3, read.get(2).as(KafkaTopic.class).getSpec().getPartitions());
    }

    @Test
    void refusesAnUnknownFieldInABuiltInKind() {
        String misspelt = DEPLOYMENT.formatted("imagePullPolicyy: Always");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, misspelt));
        assertTrue(e.getMessage().contains("imagePullPolicyy"), e.getMessage());
    }

    @Test
    void refusesAFieldAtTheWrongLevel() {
        // readinessProbe belongs to the container, not to the pod.
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  readinessProbe: {httpGet: {path: /q/health/ready, port: 8080}}
                  containers: [{name: c, image: i}]
                """;
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, yaml));
    }

    @Test
    void refusesAnUnknownKindOrApiVersion() {
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: apps/v1
                kind: Deployement
                metadata: {name: d}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: autoscaling/v2beta1
                kind: HorizontalPodAutoscaler
                metadata: {name: h}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: example.org/v1
                kind: Widget
                metadata: {name: w}
                """));
    }

    @Test
    void refusesANumberWhereKubernetesWantsAString() {
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c}
                data: {COFFRE_PG_PORT: 5432}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {postgresql: {parameters: {max_connections: 300}}}
                """));
    }

    @Test
    void refusesAStringWhereKubernetesWantsANumber() {
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: h}
                spec: {minReplicas: "2", maxReplicas: 4, scaleTargetRef: {kind: Deployment, name: d}}
                """));
    }

    @Test
    void refusesUnknownFieldsInCustomResources() {
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 3, replica: 3}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec: {scaleTargetRef: {name: w}, maxReplicas: 3}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec:
                  scaleTargetRef: {name: w}
                  triggers: [{type: kafka, metadata: {consumergroup: g}}]
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {instance: 3}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [a.yaml]
                patchesStrategicMerge: [b.yaml]
                """));
    }

    @Test
    void refusesWhatCloudNativePgsDurabilitySettingsDoNotAccept() {
        // The older style, which CloudNativePG refuses next to spec.postgresql.synchronous.
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {instances: 3, minSyncReplicas: 1, maxSyncReplicas: 1}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {postgresql: {synchronous: {method: any, number: 1, dataDurability: strict}}}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {backup: {retentionPolicy: 30 days}}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {backup: {barmanObjectStore: {destinationPath: "s3://b/", wal: {compression: zip}}}}
                """));
        assertThrows(IllegalArgumentException.class, () -> manifests.read(HERE, """
                apiVersion: postgresql.cnpg.io/v1
                kind: ScheduledBackup
                metadata: {name: b}
                spec: {schedule: "0 0 2 * * *", cluster: {name: db}, method: pg_dump}
                """));
        CnpgScheduledBackup daily = manifests.read(HERE, """
                        apiVersion: postgresql.cnpg.io/v1
                        kind: ScheduledBackup
                        metadata: {name: b}
                        spec: {schedule: "0 0 2 * * *", cluster: {name: db}, immediate: true}
                        """).get(0).as(CnpgScheduledBackup.class);
        assertEquals("db", daily.spec().cluster().name());
    }

    @Test
    void refusesDuplicateKeys() {
        assertThrows(RuntimeException.class, () -> manifests.read(HERE, """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c}
                data:
                  A: "1"
                  A: "2"
                """));
    }
}
