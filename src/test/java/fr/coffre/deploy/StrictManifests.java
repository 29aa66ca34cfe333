package fr.coffre.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes YAML (many documents per file) into typed models and refuses anything the
 * API server would refuse or silently drop: an unknown kind, an unknown field, a number where a
 * string is expected (a ConfigMap value, a CRD's string map) or a string where a number is.
 *
 * <p>Kinds: the built-in ones with fabric8's kubernetes-model (its own apiVersion/kind registry);
 * Kafka, KafkaNodePool and KafkaTopic with Strimzi's model (io.strimzi:api); KEDA's ScaledObject, CloudNativePG's Cluster and
 * ScheduledBackup, and kustomize's Kustomization with the small records of this package, which hold only the
 * fields Coffre uses: a field missing there fails here until it is added.
 *
 * <p>fabric8's and Strimzi's classes keep unknown fields in an "additionalProperties" map
 * (a Jackson any-setter) instead of failing. The introspector below switches any-setters and
 * {@code ignoreUnknown} off, so FAIL_ON_UNKNOWN_PROPERTIES applies to every class.
 */
final class StrictManifests {

    /** A document of a file: where it came from, its tree and its typed form. */
    record Manifest(Path file, int index, JsonNode tree, Object typed) {

        String apiVersion() {
            return tree.path("apiVersion").asText();
        }

        String kind() {
            return tree.path("kind").asText();
        }

        String name() {
            return tree.path("metadata").path("name").asText();
        }

        String group() {
            String apiVersion = apiVersion();
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? "" : apiVersion.substring(0, slash);
        }

        <T> T as(Class<T> type) {
            return type.cast(typed);
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file + " #" + index + ")";
        }
    }

    private static final Map<String, Class<?>> CUSTOM_KINDS = Map.of(
            "kafka.strimzi.io/v1beta2 KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1beta2 Kafka", Kafka.class,
            "kafka.strimzi.io/v1beta2 KafkaNodePool", KafkaNodePool.class,
            "keda.sh/v1alpha1 ScaledObject", ScaledObject.class,
            "monitoring.coreos.com/v1 PodMonitor", PodMonitor.class,
            "postgresql.cnpg.io/v1 Cluster", CnpgCluster.class,
            "postgresql.cnpg.io/v1 ScheduledBackup", CnpgScheduledBackup.class,
            "kustomize.config.k8s.io/v1beta1 Kustomization", Kustomization.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private final KubernetesSerialization kubernetes;
    private final YAMLMapper yaml;

    StrictManifests() {
        // fabric8 registers its modules (quantities, int-or-string, ...) on this mapper and turns
        // unknown-field failures off; they are turned back on right after.
        kubernetes = new KubernetesSerialization(mapper, true);
        mapper.setAnnotationIntrospector(new StrictIntrospector());
        // fabric8's GoCompatibilityModule reads "2" as the integer 2; the API server does not.
        mapper.registerModule(new SimpleModule("strict-integers")
                .addDeserializer(Integer.class, new NumberDeserializers.IntegerDeserializer(Integer.class, null)));
        mapper.enable(
                DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        // Kubernetes decodes JSON strictly: 1 is not "1" and "1" is not 1.
        for (CoercionInputShape shape :
                List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        YAMLFactory factory = YAMLFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        yaml = new YAMLMapper(factory);
        yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Every non-empty document of a YAML file, typed. */
    List<Manifest> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return read(file, reader);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Every non-empty document of YAML text, typed; {@code where} names it in failures. */
    List<Manifest> read(Path where, String text) {
        try {
            return read(where, new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": " + e.getMessage(), e);
        }
    }

    private List<Manifest> read(Path where, Reader reader) throws IOException {
        List<Manifest> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> documents =
                yaml.readerFor(JsonNode.class).readValues(reader)) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode tree = documents.next();
                index++;
                if (tree == null || tree.isNull() || tree.isMissingNode() || (tree.isObject() && tree.isEmpty())) {
                    continue;
                }
                manifests.add(new Manifest(where, index, tree, typed(tree, where + " #" + index)));
            }
        }
        return manifests;
    }

    /** The typed form of one document; fails on an unknown kind or field. */
    Object typed(JsonNode tree, String where) {
        if (!tree.isObject()) {
            throw new IllegalArgumentException(where + ": not a YAML mapping");
        }
        String apiVersion = tree.path("apiVersion").asText("");
        String kind = tree.path("kind").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw new IllegalArgumentException(where + ": apiVersion and kind are required");
        }
        Class<?> type = typeOf(apiVersion, kind);
        if (type == null) {
            throw new IllegalArgumentException(where + ": unknown kind " + kind + " in " + apiVersion);
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " (" + kind + "): " + e.getMessage(), e);
        }
    }

    private Class<?> typeOf(String apiVersion, String kind) {
        Class<?> custom = CUSTOM_KINDS.get(apiVersion + " " + kind);
        if (custom != null) {
            return custom;
        }
        // Built-in kinds in their stable versions only: fabric8 still knows versions that current
        // Kubernetes no longer serves (autoscaling/v2beta1, policy/v1beta1, ...).
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        if (version.contains("alpha") || version.contains("beta")) {
            return null;
        }
        Class<?> builtIn = kubernetes.getRegisteredKubernetesResource(apiVersion, kind);
        return builtIn == null || builtIn == GenericKubernetesResource.class ? null : builtIn;
    }

    /** Jackson's usual introspection, minus any-setters and ignoreUnknown. */
    private static final class StrictIntrospector extends JacksonAnnotationIntrospector {

        @Override
        public Boolean hasAnySetter(Annotated a) {
            return Boolean.FALSE;
        }

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
            return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
        }
    }
}
