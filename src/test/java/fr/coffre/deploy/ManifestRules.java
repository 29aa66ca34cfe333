package fr.coffre.deploy;

import fr.coffre.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.common.template.ContainerTemplate;
import io.strimzi.api.kafka.model.common.template.PodTemplate;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.entityoperator.EntityOperatorSpec;
import io.strimzi.api.kafka.model.kafka.entityoperator.EntityOperatorTemplate;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolTemplate;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must hold in Coffre's Kubernetes resources, whether read from the base or rendered from
 * an overlay: each rule adds a readable problem instead of stopping at the first one.
 */
final class ManifestRules {

    static final String API = "coffre-api";
    static final String WORKER = "coffre-worker";
    static final String CONFIG_MAP = "coffre-config";
    static final String CONSUMER_GROUP = "coffre-indexer";
    /** The gauge of uploads each pod is reading (UploadAdmission), as Prometheus names it. */
    static final String UPLOADS_IN_FLIGHT = "coffre_uploads_in_flight";

    static final String INDEXED_TOPIC_ROLE = "documents-stored";
    static final int HTTP_PORT = 8080;
    /** The management interface: health, metrics, OpenAPI; never behind the Service. */
    static final int MANAGEMENT_PORT = 9000;

    static final String MONITORING_NAMESPACE = "monitoring";
    /** A Strimzi cluster's bootstrap service by its full name: CLUSTER-kafka-bootstrap.NAMESPACE.svc.cluster.local:PORT. */
    static final Pattern KAFKA_BOOTSTRAP =
            Pattern.compile("([a-z0-9-]+)-kafka-bootstrap\\.([a-z0-9-]+)\\.svc\\.cluster\\.local:(\\d+)");

    private final List<Manifest> manifests;
    private final AppProperties app;
    private final Dockerfile dockerfile;
    private final List<String> problems = new ArrayList<>();

    ManifestRules(List<Manifest> manifests, AppProperties app, Dockerfile dockerfile) {
        this.manifests = manifests;
        this.app = app;
        this.dockerfile = dockerfile;
    }

    List<String> check() {
        problems.clear();
        noSecrets();
        Deployment api = deployment(API);
        Deployment worker = deployment(WORKER);
        if (api == null || worker == null) {
            return problems;
        }
        deploymentRules(api, "api");
        deploymentRules(worker, "worker");
        if (!Objects.equals(container(api).getImage(), container(worker).getImage())) {
            problem("api and worker must run the same image: " + container(api).getImage() + " vs "
                    + container(worker).getImage());
        }
        serviceRules(api, worker);
        autoscalingRules();
        disruptionBudgetRules(List.of(api, worker));
        networkPolicyRules(api, worker);
        kafkaClusterRules();
        kafkaTopicRules();
        databaseRules();
        return problems;
    }

    // --- helpers ------------------------------------------------------------------------------

    <T> List<T> all(Class<T> type) {
        return manifests.stream()
                .filter(m -> type.isInstance(m.typed()))
                .map(m -> type.cast(m.typed()))
                .toList();
    }

    private void problem(String text) {
        problems.add(text);
    }

    private Deployment deployment(String name) {
        List<Deployment> found = all(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals(name))
                .toList();
        if (found.size() != 1) {
            problem("expected one Deployment " + name + ", found " + found.size());
            return null;
        }
        return found.get(0);
    }

    private static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, String> podLabels(Deployment deployment) {
        Map<String, String> labels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    /** matchLabels only: Coffre's selectors use nothing else. */
    private static boolean selects(Map<String, String> matchLabels, Map<String, String> labels) {
        return matchLabels != null
                && !matchLabels.isEmpty()
                && labels.entrySet().containsAll(matchLabels.entrySet());
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchExpressions() != null
                && !selector.getMatchExpressions().isEmpty()) {
            throw new IllegalArgumentException("matchExpressions are not understood by these rules");
        }
        return selects(selector.getMatchLabels(), labels);
    }

    private Map<String, String> configData() {
        Map<String, String> data = new HashMap<>();
        all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(CONFIG_MAP))
                .forEach(c -> data.putAll(c.getData() == null ? Map.of() : c.getData()));
        return data;
    }

    private static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            int order = Integer.compare(Integer.parseInt(left[i]), Integer.parseInt(right[i]));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static BigDecimal amount(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity);
    }

    // --- rules --------------------------------------------------------------------------------

    private void noSecrets() {
        for (Manifest m : manifests) {
            if (m.kind().equals("Secret")) {
                problem(m + ": Secrets are never committed; reference them by name (k8s/README.md)");
            }
        }
    }

    private void deploymentRules(Deployment deployment, String role) {
        String name = deployment.getMetadata().getName();
        if (deployment.getSpec().getReplicas() != null) {
            problem(name + ": replicas belong to its autoscaler; do not set spec.replicas");
        }
        if (!selects(deployment.getSpec().getSelector(), podLabels(deployment))) {
            problem(name + ": its selector does not select its own pod template");
        }
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        if (pod.getContainers().size() != 1) {
            problem(name + ": expected one container, found "
                    + pod.getContainers().size());
        }
        Container container = container(deployment);

        // The role, the configuration and the secrets.
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
            environment.put(env.getName(), env.getValue());
        }
        if (!role.equals(environment.get(AppProperties.ROLES_VARIABLE))) {
            problem(name + ": " + AppProperties.ROLES_VARIABLE + " must be " + role + ", is "
                    + environment.get(AppProperties.ROLES_VARIABLE));
        }
        Set<String> configMaps = new HashSet<>();
        for (ConfigMap c : all(ConfigMap.class)) {
            configMaps.add(c.getMetadata().getName());
        }
        for (EnvFromSource from : Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource>of())) {
            if (from.getConfigMapRef() != null) {
                if (!configMaps.contains(from.getConfigMapRef().getName())) {
                    problem(name + ": envFrom names ConfigMap "
                            + from.getConfigMapRef().getName() + ", which is not in the manifests");
                }
                all(ConfigMap.class).stream()
                        .filter(c -> c.getMetadata()
                                .getName()
                                .equals(from.getConfigMapRef().getName()))
                        .forEach(c -> Objects.requireNonNullElse(c.getData(), Map.<String, String>of())
                                .forEach(environment::putIfAbsent));
            }
        }
        Set<String> known = app.environmentNames();
        for (String variable : environment.keySet()) {
            if (variable.startsWith("COFFRE_") && !known.contains(variable)) {
                problem(name + ": " + variable + " is read nowhere in application.properties (misspelt?)");
            }
        }
        for (String required : app.requiredInProd()) {
            if (!environment.containsKey(required)) {
                problem(name + ": " + required + " is required by the prod profile and not set");
            }
        }

        // Port, probes, resources.
        Map<String, Integer> ports = new HashMap<>();
        for (ContainerPort port : Objects.requireNonNullElse(container.getPorts(), List.<ContainerPort>of())) {
            if (port.getName() != null) {
                ports.put(port.getName(), port.getContainerPort());
            }
        }
        probe(name, "startup", container.getStartupProbe(), "/q/health/started", ports);
        probe(name, "liveness", container.getLivenessProbe(), "/q/health/live", ports);
        probe(name, "readiness", container.getReadinessProbe(), "/q/health/ready", ports);
        resources(name, container);

        // Security: non-root (the image's own user), read-only root, no capabilities, seccomp.
        var podSecurity = pod.getSecurityContext();
        if (podSecurity == null || !Boolean.TRUE.equals(podSecurity.getRunAsNonRoot())) {
            problem(name + ": the pod must set runAsNonRoot: true");
        } else {
            if (podSecurity.getSeccompProfile() == null
                    || !"RuntimeDefault".equals(podSecurity.getSeccompProfile().getType())) {
                problem(name + ": the pod must use the RuntimeDefault seccomp profile");
            }
            String imageUser = dockerfile.user();
            if (imageUser != null
                    && podSecurity.getRunAsUser() != null
                    && !imageUser.split(":")[0].equals(
                            podSecurity.getRunAsUser().toString())) {
                problem(name + ": runAsUser " + podSecurity.getRunAsUser() + " is not the image's USER " + imageUser);
            }
        }
        SecurityContext security = container.getSecurityContext();
        if (security == null) {
            problem(name + ": the container has no securityContext");
        } else {
            if (!Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
                problem(name + ": readOnlyRootFilesystem must be true");
            }
            if (!Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
                problem(name + ": allowPrivilegeEscalation must be false");
            }
            if (security.getCapabilities() == null
                    || security.getCapabilities().getDrop() == null
                    || !security.getCapabilities().getDrop().contains("ALL")) {
                problem(name + ": capabilities must drop ALL");
            }
        }
        Set<String> emptyDirs = new HashSet<>();
        for (Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of())) {
            if (volume.getEmptyDir() != null) {
                emptyDirs.add(volume.getName());
            }
        }
        boolean tmp = false;
        for (VolumeMount mount : Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of())) {
            tmp |= mount.getMountPath().equals("/tmp") && emptyDirs.contains(mount.getName());
        }
        if (!tmp) {
            problem(name + ": /tmp must be an emptyDir (the root filesystem is read-only)");
        }

        // Spread over zones and nodes.
        var spread =
                Objects.requireNonNullElse(pod.getTopologySpreadConstraints(), List.<TopologySpreadConstraint>of());
        if (spread.isEmpty()) {
            problem(name + ": no topologySpreadConstraints");
        }
        for (var constraint : spread) {
            if (!selects(constraint.getLabelSelector(), podLabels(deployment))) {
                problem(name + ": a topologySpreadConstraint does not select the deployment's own pods");
            }
        }
    }

    private void probe(String name, String kind, Probe probe, String path, Map<String, Integer> ports) {
        if (probe == null || probe.getHttpGet() == null) {
            problem(name + ": no HTTP " + kind + " probe");
            return;
        }
        if (!path.equals(probe.getHttpGet().getPath())) {
            problem(name + ": the " + kind + " probe must ask " + path + ", asks "
                    + probe.getHttpGet().getPath());
        }
        Integer port = port(probe.getHttpGet().getPort(), ports);
        if (port == null || port != MANAGEMENT_PORT) {
            problem(name + ": the " + kind + " probe must use the management port " + MANAGEMENT_PORT + ", uses "
                    + probe.getHttpGet().getPort());
        }
    }

    private static Integer port(IntOrString port, Map<String, Integer> named) {
        if (port == null) {
            return null;
        }
        return port.getIntVal() != null ? port.getIntVal() : named.get(port.getStrVal());
    }

    private void resources(String name, Container container) {
        var resources = container.getResources();
        if (resources == null || resources.getRequests() == null || resources.getLimits() == null) {
            problem(name + ": requests and limits are required");
            return;
        }
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = resources.getRequests().get(resource);
            Quantity limit = resources.getLimits().get(resource);
            if (request == null || limit == null) {
                problem(name + ": " + resource + " needs both a request and a limit");
            } else if (amount(request).compareTo(amount(limit)) > 0) {
                problem(name + ": " + resource + " request " + request + " is above its limit " + limit);
            }
        }
        Quantity memoryRequest = resources.getRequests().get("memory");
        Quantity memoryLimit = resources.getLimits().get("memory");
        if (memoryRequest != null
                && memoryLimit != null
                && amount(memoryRequest).compareTo(amount(memoryLimit)) != 0) {
            // The JVM sizes its heap from the limit: memory it may use must be reserved for it.
            problem(name + ": the memory request must equal the memory limit");
        }
    }

    private void serviceRules(Deployment api, Deployment worker) {
        List<Service> services = all(Service.class);
        Service service = services.stream()
                .filter(s -> s.getMetadata().getName().equals(API))
                .findFirst()
                .orElse(null);
        if (service == null) {
            problem("no Service " + API);
            return;
        }
        if (!selects(service.getSpec().getSelector(), podLabels(api))) {
            problem("Service " + API + " does not select the api pods");
        }
        if (selects(service.getSpec().getSelector(), podLabels(worker))) {
            problem("Service " + API + " also selects the worker pods");
        }
        Map<String, Integer> ports = new HashMap<>();
        container(api).getPorts().forEach(p -> ports.put(p.getName(), p.getContainerPort()));
        for (ServicePort port : service.getSpec().getPorts()) {
            Integer target = port(port.getTargetPort(), ports);
            if (target == null || target != HTTP_PORT) {
                problem("Service " + API + ": port " + port.getPort() + " must lead to the container's " + HTTP_PORT);
            }
        }
        for (Service other : services) {
            if (selects(other.getSpec().getSelector(), podLabels(worker))) {
                problem("Service " + other.getMetadata().getName() + " selects the workers, which serve no traffic");
            }
        }
    }

    private int apiMaxReplicas;
    private int workerMaxReplicas;

    private void autoscalingRules() {
        if (!all(HorizontalPodAutoscaler.class).isEmpty()) {
            problem("KEDA scales the api and the workers and owns their HorizontalPodAutoscalers: do not add one");
        }
        apiAutoscalingRules(scaledObject(API));
        ScaledObject workers = scaledObject(WORKER);
        if (workers == null) {
            return;
        }
        ScaledObject.Spec spec = workers.spec();
        int min = spec.minReplicaCount() == null ? 0 : spec.minReplicaCount();
        int max = spec.maxReplicaCount() == null ? 100 : spec.maxReplicaCount();
        if (min > max) {
            problem("the workers' ScaledObject has min " + min + " above max " + max);
        }
        workerMaxReplicas = max;
        List<ScaledObject.Trigger> kafka =
                Objects.requireNonNullElse(spec.triggers(), List.<ScaledObject.Trigger>of()).stream()
                        .filter(t -> t.type().equals("kafka"))
                        .toList();
        if (kafka.size() != 1) {
            problem("the workers' ScaledObject needs one kafka trigger, has " + kafka.size());
            return;
        }
        Map<String, String> metadata = kafka.get(0).metadata();
        if (!CONSUMER_GROUP.equals(metadata.get("consumerGroup"))) {
            problem("the kafka trigger must watch consumer group " + CONSUMER_GROUP + ", watches "
                    + metadata.get("consumerGroup"));
        }
        AppProperties.Topic indexed = app.topics().get(INDEXED_TOPIC_ROLE);
        if (!indexed.name().equals(metadata.get("topic"))) {
            problem("the kafka trigger must watch topic " + indexed.name() + ", watches " + metadata.get("topic"));
        }
        if (max > indexed.partitions()) {
            problem("the workers' ScaledObject allows " + max + " workers for " + indexed.partitions()
                    + " partitions: the extra ones would idle");
        }
        if (!Objects.equals(configData().get("COFFRE_KAFKA_BOOTSTRAP"), metadata.get("bootstrapServers"))) {
            problem("the kafka trigger's bootstrapServers " + metadata.get("bootstrapServers")
                    + " differ from COFFRE_KAFKA_BOOTSTRAP " + configData().get("COFFRE_KAFKA_BOOTSTRAP"));
        }
        String version = metadata.getOrDefault("version", "");
        if (!version.matches("\\d+\\.\\d+\\.\\d+") || compareVersions(version, "2.1.0") < 0) {
            problem("the kafka trigger must pin a protocol version of at least 2.1.0 (Kafka 4 refuses older"
                    + " requests; KEDA's default is 1.0.0), has " + (version.isEmpty() ? "none" : version));
        }
        try {
            if (Integer.parseInt(metadata.get("lagThreshold")) <= 0) {
                problem("the kafka trigger's lagThreshold must be positive");
            }
        } catch (NumberFormatException e) {
            problem("the kafka trigger's lagThreshold is not a number: " + metadata.get("lagThreshold"));
        }
    }

    private ScaledObject scaledObject(String target) {
        List<ScaledObject> found = all(ScaledObject.class).stream()
                .filter(o -> target.equals(o.spec().scaleTargetRef().name()))
                .toList();
        if (found.size() != 1) {
            problem("expected one KEDA ScaledObject for " + target + ", found " + found.size());
            return null;
        }
        if (!"Deployment".equals(found.get(0).spec().scaleTargetRef().kind())) {
            problem("the ScaledObject for " + target + " must scale its Deployment");
        }
        return found.get(0);
    }

    /**
     * The api scales on uploads in flight, which its admission limits per pod, before CPU: a pod
     * refuses uploads at the limit long before its CPU is high.
     */
    private void apiAutoscalingRules(ScaledObject api) {
        if (api == null) {
            return;
        }
        ScaledObject.Spec spec = api.spec();
        int min = spec.minReplicaCount() == null ? 0 : spec.minReplicaCount();
        int max = spec.maxReplicaCount() == null ? 100 : spec.maxReplicaCount();
        if (min < 1 || min > max) {
            problem("the api's ScaledObject has min " + min + " and max " + max + ": at least one api pod, always");
        }
        apiMaxReplicas = max;
        List<ScaledObject.Trigger> triggers = Objects.requireNonNullElse(spec.triggers(), List.of());
        if (triggers.stream().noneMatch(t -> t.type().equals("cpu") && "Utilization".equals(t.metricType()))) {
            problem("the api's ScaledObject must also scale on CPU utilisation");
        }
        List<ScaledObject.Trigger> inFlight = triggers.stream()
                .filter(t -> t.type().equals("prometheus")
                        && t.metadata().getOrDefault("query", "").contains(UPLOADS_IN_FLIGHT + "{"))
                .toList();
        if (inFlight.size() != 1) {
            problem("the api's ScaledObject must scale on " + UPLOADS_IN_FLIGHT + " (one prometheus trigger)");
            return;
        }
        Map<String, String> metadata = inFlight.get(0).metadata();
        int limit = Integer.parseInt(app.valueIn("coffre.ingest.max-in-flight-uploads", configData()));
        double threshold = Double.parseDouble(metadata.getOrDefault("threshold", "0"));
        if (threshold <= 0 || threshold >= limit) {
            problem("the api's in-flight threshold " + threshold + " must be under the per-pod limit " + limit
                    + " (coffre.ingest.max-in-flight-uploads): pods are added before any refuses an upload");
        }
        if (!metadata.get("query").startsWith("sum(")) {
            problem("the api's in-flight query must sum over the pods: " + metadata.get("query"));
        }
        // Prometheus has the metric only if it scrapes the api pods.
        Map<String, Integer> apiPorts = new HashMap<>();
        Deployment deployment = deployment(API);
        container(deployment).getPorts().forEach(p -> apiPorts.put(p.getName(), p.getContainerPort()));
        boolean scraped = all(PodMonitor.class).stream()
                .anyMatch(m -> selects(m.spec().selector(), podLabels(deployment))
                        && Objects.requireNonNullElse(m.spec().podMetricsEndpoints(), List.<PodMonitor.Endpoint>of())
                                .stream()
                                .anyMatch(e -> Integer.valueOf(MANAGEMENT_PORT).equals(apiPorts.get(e.port()))
                                        && "/q/metrics".equals(e.path())));
        if (!scraped) {
            problem("no PodMonitor has Prometheus scrape the api pods' /q/metrics on their management port,"
                    + " which their autoscaler reads");
        }
    }

    private void disruptionBudgetRules(List<Deployment> deployments) {
        List<PodDisruptionBudget> budgets = all(PodDisruptionBudget.class);
        for (Deployment deployment : deployments) {
            long covering = budgets.stream()
                    .filter(b -> selects(b.getSpec().getSelector(), podLabels(deployment)))
                    .count();
            if (covering != 1) {
                problem(deployment.getMetadata().getName() + ": expected one PodDisruptionBudget, found " + covering);
            }
        }
        for (PodDisruptionBudget budget : budgets) {
            if (deployments.stream().noneMatch(d -> selects(budget.getSpec().getSelector(), podLabels(d)))) {
                problem("PodDisruptionBudget " + budget.getMetadata().getName() + " selects no Coffre pods");
            }
        }
    }

    private void networkPolicyRules(Deployment api, Deployment worker) {
        List<NetworkPolicy> policies = all(NetworkPolicy.class);
        boolean defaultDeny = policies.stream()
                .anyMatch(p -> selects(p.getSpec().getPodSelector(), podLabels(api))
                        && selects(p.getSpec().getPodSelector(), podLabels(worker))
                        && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                        && (p.getSpec().getIngress() == null
                                || p.getSpec().getIngress().isEmpty())
                        && (p.getSpec().getEgress() == null
                                || p.getSpec().getEgress().isEmpty()));
        if (!defaultDeny) {
            problem("no NetworkPolicy denies all traffic to and from Coffre's pods by default");
        }
        boolean apiOpen = false;
        Set<String> egressPorts = new TreeSet<>();
        for (NetworkPolicy policy : policies) {
            String name = "NetworkPolicy " + policy.getMetadata().getName();
            boolean selected = false;
            for (Deployment deployment : List.of(api, worker)) {
                if (!selects(policy.getSpec().getPodSelector(), podLabels(deployment))) {
                    continue;
                }
                selected = true;
                for (NetworkPolicyIngressRule rule : Objects.requireNonNullElse(
                        policy.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of())) {
                    List<NetworkPolicyPort> ports = Objects.requireNonNullElse(rule.getPorts(), List.of());
                    if (ports.isEmpty()) {
                        problem(name + ": an ingress rule without ports opens every port");
                    }
                    for (NetworkPolicyPort port : ports) {
                        Integer number =
                                port.getPort() == null ? null : port.getPort().getIntVal();
                        if (Integer.valueOf(MANAGEMENT_PORT).equals(number)) {
                            if (!fromMonitoringOnly(rule)) {
                                problem(name + ": the management port " + MANAGEMENT_PORT
                                        + " (health, metrics, OpenAPI) may be reached from namespace "
                                        + MONITORING_NAMESPACE + " only");
                            }
                        } else if (!Integer.valueOf(HTTP_PORT).equals(number) || deployment != api) {
                            problem(name + ": ingress is allowed only on the api's " + HTTP_PORT + " and on "
                                    + MANAGEMENT_PORT + " from Prometheus, not " + port.getPort());
                        } else {
                            apiOpen = true;
                        }
                    }
                }
            }
            if (!selected) {
                problem(name + " selects no Coffre pods");
            }
            for (NetworkPolicyEgressRule rule :
                    Objects.requireNonNullElse(policy.getSpec().getEgress(), List.<NetworkPolicyEgressRule>of())) {
                List<NetworkPolicyPort> ports = Objects.requireNonNullElse(rule.getPorts(), List.of());
                if (ports.isEmpty() || rule.getTo() == null || rule.getTo().isEmpty()) {
                    problem(name + ": every egress rule must name its destinations and ports");
                }
                for (NetworkPolicyPort port : ports) {
                    egressPorts.add(Objects.requireNonNullElse(port.getProtocol(), "TCP") + "/"
                            + port.getPort().getIntVal());
                }
            }
        }
        if (!apiOpen) {
            problem("no NetworkPolicy lets traffic reach the api on " + HTTP_PORT);
        }
        Map<String, String> config = configData();
        String kafkaPort = config.getOrDefault("COFFRE_KAFKA_BOOTSTRAP", ":?").replaceAll(".*:", "");
        for (String needed : List.of("UDP/53", "TCP/53", "TCP/" + config.get("COFFRE_PG_PORT"), "TCP/" + kafkaPort)) {
            if (!egressPorts.contains(needed)) {
                problem("no NetworkPolicy lets Coffre's pods reach " + needed + " (egress allows " + egressPorts + ")");
            }
        }
    }

    private static boolean fromMonitoringOnly(NetworkPolicyIngressRule rule) {
        List<NetworkPolicyPeer> from = Objects.requireNonNullElse(rule.getFrom(), List.of());
        return !from.isEmpty()
                && from.stream()
                        .allMatch(peer -> peer.getPodSelector() == null
                                && peer.getIpBlock() == null
                                && peer.getNamespaceSelector() != null
                                && Map.of("kubernetes.io/metadata.name", MONITORING_NAMESPACE)
                                        .equals(peer.getNamespaceSelector().getMatchLabels()));
    }

    /**
     * The Kafka cluster COFFRE_KAFKA_BOOTSTRAP names: by its full name (KEDA's operator resolves it
     * from its own namespace), declared here with a plain listener on that port, KRaft roles, and
     * pods that the restricted Pod Security level admits.
     */
    private void kafkaClusterRules() {
        String bootstrap = configData().getOrDefault("COFFRE_KAFKA_BOOTSTRAP", "");
        Matcher address = KAFKA_BOOTSTRAP.matcher(bootstrap);
        if (!address.matches()) {
            problem("COFFRE_KAFKA_BOOTSTRAP " + bootstrap + " is not a bootstrap service's full name"
                    + " (CLUSTER-kafka-bootstrap.NAMESPACE.svc.cluster.local:PORT): KEDA's operator resolves it"
                    + " from its own namespace");
            return;
        }
        String cluster = address.group(1);
        int port = Integer.parseInt(address.group(3));
        List<Kafka> kafkas = all(Kafka.class).stream()
                .filter(k -> k.getMetadata().getName().equals(cluster))
                .toList();
        if (kafkas.size() != 1) {
            problem("expected one Kafka " + cluster + ", found " + kafkas.size());
            return;
        }
        Kafka kafka = kafkas.get(0);
        boolean listening = kafka.getSpec().getKafka().getListeners().stream()
                .anyMatch(l -> l.getPort() == port && l.getType() == KafkaListenerType.INTERNAL && !l.isTls());
        if (!listening) {
            problem("Kafka " + cluster + " has no plain internal listener on " + port
                    + ", where COFFRE_KAFKA_BOOTSTRAP points");
        }
        List<KafkaNodePool> pools = all(KafkaNodePool.class).stream()
                .filter(p -> p.getMetadata().getLabels() != null
                        && cluster.equals(p.getMetadata().getLabels().get("strimzi.io/cluster")))
                .toList();
        for (ProcessRoles role : ProcessRoles.values()) {
            if (pools.stream().noneMatch(p -> p.getSpec().getRoles().contains(role))) {
                problem("Kafka " + cluster + ": no node pool has the " + role + " role");
            }
        }
        for (KafkaNodePool pool : pools) {
            String name = "KafkaNodePool " + pool.getMetadata().getName();
            KafkaNodePoolTemplate template = pool.getSpec().getTemplate();
            restricted(name, template == null ? null : template.getPod());
            restricted(name + " kafka container", template == null ? null : template.getKafkaContainer());
        }
        EntityOperatorSpec operators = kafka.getSpec().getEntityOperator();
        if (operators != null) {
            String name = "Kafka " + cluster + " entity operator";
            EntityOperatorTemplate template = operators.getTemplate();
            restricted(name, template == null ? null : template.getPod());
            if (operators.getTopicOperator() != null) {
                restricted(
                        name + " topic operator container",
                        template == null ? null : template.getTopicOperatorContainer());
            }
            if (operators.getUserOperator() != null) {
                restricted(
                        name + " user operator container",
                        template == null ? null : template.getUserOperatorContainer());
            }
        }
    }

    // What the restricted Pod Security Standard requires of a pod Strimzi creates; its own default
    // security provider sets only what baseline requires.
    private void restricted(String name, PodTemplate pod) {
        var security = pod == null ? null : pod.getSecurityContext();
        if (security == null || !Boolean.TRUE.equals(security.getRunAsNonRoot())) {
            problem(name + ": the pod template must set runAsNonRoot: true (restricted Pod Security)");
        }
        if (security == null
                || security.getSeccompProfile() == null
                || !"RuntimeDefault".equals(security.getSeccompProfile().getType())) {
            problem(name + ": the pod template must use the RuntimeDefault seccomp profile (restricted Pod Security)");
        }
    }

    private void restricted(String name, ContainerTemplate container) {
        SecurityContext security = container == null ? null : container.getSecurityContext();
        if (security == null || !Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
            problem(name + ": allowPrivilegeEscalation must be false (restricted Pod Security)");
        }
        if (security == null
                || security.getCapabilities() == null
                || security.getCapabilities().getDrop() == null
                || !security.getCapabilities().getDrop().contains("ALL")) {
            problem(name + ": must drop ALL capabilities (restricted Pod Security)");
        }
    }

    private void kafkaTopicRules() {
        Map<String, String> config = configData();
        int replication = Integer.parseInt(config.getOrDefault("COFFRE_KAFKA_REPLICATION_FACTOR", "-1"));
        int minIsr = Integer.parseInt(config.getOrDefault("COFFRE_KAFKA_MIN_ISR", "-1"));
        String bootstrapHost = config.getOrDefault("COFFRE_KAFKA_BOOTSTRAP", "").replaceAll("[.:].*", "");
        Map<String, KafkaTopic> byName = new HashMap<>();
        for (KafkaTopic topic : all(KafkaTopic.class)) {
            String name = topic.getSpec().getTopicName() != null
                    ? topic.getSpec().getTopicName()
                    : topic.getMetadata().getName();
            byName.put(name, topic);
            String cluster = topic.getMetadata().getLabels() == null
                    ? null
                    : topic.getMetadata().getLabels().get("strimzi.io/cluster");
            if (cluster == null || !bootstrapHost.equals(cluster + "-kafka-bootstrap")) {
                problem("KafkaTopic " + name + " belongs to cluster " + cluster + ", Coffre talks to " + bootstrapHost);
            }
        }
        for (AppProperties.Topic expected : app.topics().values()) {
            KafkaTopic topic = byName.remove(expected.name());
            if (topic == null) {
                problem("no KafkaTopic for " + expected.name() + " (coffre.kafka.topics." + expected.role() + ")");
                continue;
            }
            var spec = topic.getSpec();
            if (!Objects.equals(spec.getPartitions(), expected.partitions())) {
                problem("KafkaTopic " + expected.name() + ": " + spec.getPartitions()
                        + " partitions, application.properties says " + expected.partitions());
            }
            Map<String, Object> topicConfig = Objects.requireNonNullElse(spec.getConfig(), Map.of());
            if (!Objects.equals(
                    number(topicConfig.get("retention.ms")),
                    expected.retention().toMillis())) {
                problem("KafkaTopic " + expected.name() + ": retention.ms " + topicConfig.get("retention.ms")
                        + ", application.properties says " + expected.retention() + " = "
                        + expected.retention().toMillis());
            }
            if (!Objects.equals(spec.getReplicas(), replication)) {
                problem("KafkaTopic " + expected.name() + ": " + spec.getReplicas()
                        + " replicas, COFFRE_KAFKA_REPLICATION_FACTOR is " + replication);
            }
            Long isr = number(topicConfig.get("min.insync.replicas"));
            if (isr == null || isr != minIsr) {
                problem("KafkaTopic " + expected.name() + ": min.insync.replicas " + isr + ", COFFRE_KAFKA_MIN_ISR is "
                        + minIsr);
            } else if (spec.getReplicas() != null
                    && (isr > spec.getReplicas() || (spec.getReplicas() > 1 && isr >= spec.getReplicas()))) {
                problem("KafkaTopic " + expected.name() + ": min.insync.replicas " + isr + " with " + spec.getReplicas()
                        + " replicas leaves no broker to lose");
            }
        }
        for (String extra : byName.keySet()) {
            problem("KafkaTopic " + extra + " is not one of application.properties' topics");
        }
    }

    private static Long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private void databaseRules() {
        List<CnpgCluster> clusters = all(CnpgCluster.class);
        if (clusters.size() != 1) {
            problem("expected one CloudNativePG Cluster, found " + clusters.size());
            return;
        }
        CnpgCluster cluster = clusters.get(0);
        String name = cluster.metadata().getName();
        Map<String, String> config = configData();
        if (!(name + "-rw").equals(config.get("COFFRE_PG_HOST"))) {
            problem("COFFRE_PG_HOST must be the cluster's read-write service " + name + "-rw, is "
                    + config.get("COFFRE_PG_HOST"));
        }
        CnpgCluster.InitDb initdb = cluster.spec().bootstrap() == null
                ? null
                : cluster.spec().bootstrap().initdb();
        if (initdb == null || !Objects.equals(initdb.database(), config.get("COFFRE_PG_DB"))) {
            problem("the cluster must create database " + config.get("COFFRE_PG_DB"));
        }
        String appSecret =
                initdb != null && initdb.secret() != null ? initdb.secret().name() : name + "-app";
        for (Deployment deployment : all(Deployment.class)) {
            for (EnvVar env : Objects.requireNonNullElse(container(deployment).getEnv(), List.<EnvVar>of())) {
                if (env.getName().startsWith("COFFRE_PG_")
                        && env.getValueFrom() != null
                        && env.getValueFrom().getSecretKeyRef() != null
                        && !appSecret.equals(
                                env.getValueFrom().getSecretKeyRef().getName())) {
                    problem(deployment.getMetadata().getName() + ": " + env.getName()
                            + " must come from the cluster's Secret " + appSecret);
                }
            }
        }
        Integer instances = cluster.spec().instances();
        if (instances == null || instances < 1) {
            problem("the cluster needs at least one instance");
        }
        // Every pod's pool, plus Flyway's two connections at start, must fit in max_connections.
        String maxConnections = cluster.spec().postgresql() == null
                        || cluster.spec().postgresql().parameters() == null
                ? "100"
                : cluster.spec().postgresql().parameters().getOrDefault("max_connections", "100");
        int pool = Integer.parseInt(config.getOrDefault("COFFRE_PG_POOL_SIZE", "20"));
        int needed = (apiMaxReplicas + workerMaxReplicas) * (pool + 2);
        if (Integer.parseInt(maxConnections) < needed) {
            problem("max_connections " + maxConnections + " is below what " + apiMaxReplicas + " api and "
                    + workerMaxReplicas + " worker pods may open (" + needed + ")");
        }
        durabilityProblems(cluster).forEach(this::problem);
        archiveRules(cluster, config);
        scheduledBackupRules(cluster);
        databasePodsRules(cluster);
    }

    /**
     * What a failover or a lost cluster must not cost (issue 15, item 7), for the base and for each
     * overlay's cluster. Two instances or more: a COMMIT returns only once a standby has flushed it
     * (quorum "any", dataDurability required, failover quorum). One instance (dev): no synchronous
     * replication, which CloudNativePG would refuse. Always: the WAL archive and base backups in an
     * S3 object store, the WAL compressed, with a retention.
     */
    static List<String> durabilityProblems(CnpgCluster cluster) {
        List<String> problems = new ArrayList<>();
        String name = "Cluster " + cluster.metadata().getName();
        int instances = Objects.requireNonNullElse(cluster.spec().instances(), 1);
        CnpgCluster.Synchronous sync = cluster.spec().postgresql() == null
                ? null
                : cluster.spec().postgresql().synchronous();
        if (instances < 2) {
            if (sync != null) {
                problems.add(name + ": one instance has no standby to wait for; remove spec.postgresql.synchronous"
                        + " (CloudNativePG refuses a number that is not below the instances)");
            }
        } else if (sync == null) {
            problems.add(name + ": no synchronous replication (spec.postgresql.synchronous): a failover can lose"
                    + " a commit already answered 201");
        } else {
            if (!"any".equals(sync.method())) {
                problems.add(name + ": synchronous.method must be any (a quorum: whichever standby confirms first), is "
                        + sync.method());
            }
            if (sync.number() == null || sync.number() < 1 || sync.number() >= instances) {
                problems.add(name + ": synchronous.number must be at least 1 and below the " + instances
                        + " instances, is " + sync.number());
            }
            if (!"required".equals(sync.dataDurability())) {
                problems.add(name + ": synchronous.dataDurability must be required (preferred goes back to"
                        + " asynchronous commits when standbys are missing), is " + sync.dataDurability());
            }
            if (!Boolean.TRUE.equals(sync.failoverQuorum())) {
                problems.add(
                        name + ": synchronous.failoverQuorum must be true: otherwise a standby that missed"
                                + " acknowledged commits can be promoted when the primary and the confirming standby fail together");
            }
        }
        CnpgCluster.Backup backup = cluster.spec().backup();
        CnpgCluster.BarmanObjectStore store = backup == null ? null : backup.barmanObjectStore();
        if (store == null) {
            problems.add(name + ": no WAL archive nor base backups (spec.backup.barmanObjectStore): a cluster lost"
                    + " as a whole, or a mistaken DELETE, cannot be undone");
            return problems;
        }
        if (store.destinationPath() == null || !store.destinationPath().matches("s3://[a-z0-9][a-z0-9.-]+/.*")) {
            problems.add(
                    name + ": the archive's destinationPath must be s3://BUCKET/..., is " + store.destinationPath());
        }
        if (store.endpointURL() == null || !store.endpointURL().matches("https?://.+")) {
            problems.add(name + ": the archive needs the object store's endpointURL, is " + store.endpointURL());
        }
        CnpgCluster.S3Credentials credentials = store.s3Credentials();
        if (credentials == null
                || !complete(credentials.accessKeyId())
                || !complete(credentials.secretAccessKey())
                || !credentials
                        .accessKeyId()
                        .name()
                        .equals(credentials.secretAccessKey().name())) {
            problems.add(name + ": the archive's s3Credentials must name one Secret's accessKeyId and secretAccessKey");
        }
        if (store.wal() == null || store.wal().compression() == null) {
            problems.add(name + ": the archive must compress the WAL (wal.compression)");
        }
        if (backup.retentionPolicy() == null) {
            problems.add(name + ": no backup.retentionPolicy: backups and WAL would be kept for ever");
        }
        return problems;
    }

    private static boolean complete(CnpgCluster.SecretKey key) {
        return key != null && key.name() != null && key.key() != null;
    }

    /** The bucket of an s3:// path. */
    static String bucket(String destinationPath) {
        return destinationPath == null
                ? null
                : destinationPath.replaceFirst("^s3://", "").replaceFirst("/.*", "");
    }

    private void archiveRules(CnpgCluster cluster, Map<String, String> config) {
        CnpgCluster.BarmanObjectStore store =
                cluster.spec().backup() == null ? null : cluster.spec().backup().barmanObjectStore();
        if (store == null) {
            return;
        }
        // Its own bucket: its own S3 user and lifecycle rules, and nothing that sweeps the documents'
        // bucket can reach the backups.
        if (Objects.equals(bucket(store.destinationPath()), config.get("COFFRE_S3_BUCKET"))) {
            problem("Cluster " + cluster.metadata().getName()
                    + ": the WAL archive must not share the documents' bucket " + config.get("COFFRE_S3_BUCKET"));
        }
        for (Deployment deployment : all(Deployment.class)) {
            for (EnvVar env : Objects.requireNonNullElse(container(deployment).getEnv(), List.<EnvVar>of())) {
                if (env.getValueFrom() != null
                        && env.getValueFrom().getSecretKeyRef() != null
                        && store.s3Credentials() != null
                        && store.s3Credentials().accessKeyId() != null
                        && env.getValueFrom()
                                .getSecretKeyRef()
                                .getName()
                                .equals(store.s3Credentials().accessKeyId().name())) {
                    problem(deployment.getMetadata().getName() + ": reads the database backups' S3 Secret "
                            + store.s3Credentials().accessKeyId().name()
                            + "; the service must not be able to delete them");
                }
            }
        }
    }

    private void scheduledBackupRules(CnpgCluster cluster) {
        String name = cluster.metadata().getName();
        List<CnpgScheduledBackup> schedules = all(CnpgScheduledBackup.class);
        for (CnpgScheduledBackup schedule : schedules) {
            if (!name.equals(schedule.spec().cluster().name())) {
                problem("ScheduledBackup " + schedule.metadata().getName() + " backs up cluster "
                        + schedule.spec().cluster().name() + ", which is not " + name);
            }
        }
        List<CnpgScheduledBackup> ours = schedules.stream()
                .filter(s -> name.equals(s.spec().cluster().name()))
                .toList();
        if (ours.size() != 1) {
            problem("expected one ScheduledBackup of cluster " + name + ", found " + ours.size()
                    + ": the WAL archive alone restores nothing without a base backup to replay it on");
            return;
        }
        CnpgScheduledBackup.Spec spec = ours.get(0).spec();
        String where = "ScheduledBackup " + ours.get(0).metadata().getName();
        if (spec.method() != null && !spec.method().equals("barmanObjectStore")) {
            problem(where + ": method must be barmanObjectStore (the cluster's object store), is " + spec.method());
        }
        if (Boolean.TRUE.equals(spec.suspend())) {
            problem(where + " is suspended");
        }
        if (!Boolean.TRUE.equals(spec.immediate())) {
            problem(where + ": immediate must be true, so that a first base backup exists from the start");
        }
        String[] fields = spec.schedule().trim().split("\\s+");
        if (fields.length != 6 || !fields[0].matches("[0-9]{1,2}")) {
            problem(where + ": schedule must have six fields, seconds first (\"0 0 2 * * *\": 02:00 daily), is \""
                    + spec.schedule() + "\"");
        }
    }

    /**
     * CloudNativePG's instances must keep reaching the object store (the WAL archive) and each other
     * (replication); the NetworkPolicies here are written for Coffre's pods only and open neither.
     * The labels are those CloudNativePG puts on every instance pod.
     */
    private void databasePodsRules(CnpgCluster cluster) {
        String name = cluster.metadata().getName();
        Map<String, String> podLabels = Map.of(
                "cnpg.io/cluster", name,
                "cnpg.io/podRole", "instance",
                "app.kubernetes.io/name", "postgresql",
                "app.kubernetes.io/instance", name,
                "app.kubernetes.io/component", "database",
                "app.kubernetes.io/managed-by", "cloudnative-pg");
        for (NetworkPolicy policy : all(NetworkPolicy.class)) {
            LabelSelector selector = policy.getSpec().getPodSelector();
            boolean everyPod = selector == null
                    || ((selector.getMatchLabels() == null
                                    || selector.getMatchLabels().isEmpty())
                            && (selector.getMatchExpressions() == null
                                    || selector.getMatchExpressions().isEmpty()));
            if (everyPod || selects(selector, podLabels)) {
                problem("NetworkPolicy " + policy.getMetadata().getName() + " selects the database's pods: they"
                        + " would lose their WAL archive (object store) and replication");
            }
        }
    }

    /** Every Secret (name and key) the deployments and the database's backups read. */
    Set<String> secretReferences() {
        Set<String> references = new TreeSet<>();
        for (CnpgCluster cluster : all(CnpgCluster.class)) {
            CnpgCluster.BarmanObjectStore store = cluster.spec().backup() == null
                    ? null
                    : cluster.spec().backup().barmanObjectStore();
            if (store != null && store.s3Credentials() != null) {
                for (CnpgCluster.SecretKey key : Arrays.asList(
                        store.s3Credentials().accessKeyId(),
                        store.s3Credentials().secretAccessKey())) {
                    if (key != null) {
                        references.add(key.name() + "/" + key.key());
                    }
                }
            }
        }
        for (Deployment deployment : all(Deployment.class)) {
            Container container = container(deployment);
            for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
                if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                    SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
                    references.add(ref.getName() + "/" + ref.getKey());
                }
            }
            for (EnvFromSource from : Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource>of())) {
                if (from.getSecretRef() != null) {
                    references.add(from.getSecretRef().getName() + "/*");
                }
            }
        }
        return references;
    }
}
