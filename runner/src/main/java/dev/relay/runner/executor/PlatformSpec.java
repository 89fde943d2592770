package dev.relay.runner.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes settings of one executor from {@code kfp-kubernetes}: the IR's
 * {@code platforms.kubernetes.deploymentSpec.executors.<exec-x>} ({@code KubernetesExecutorConfig} of
 * kfp-kubernetes), with every name given through a parameter already resolved to its value.
 *
 * @param secretsAsEnv      {@code secretAsEnv}
 * @param secretsAsVolume   {@code secretAsVolume}
 * @param configMapsAsEnv   {@code configMapAsEnv}
 * @param configMapsAsVolume {@code configMapAsVolume}
 * @param pvcMounts         {@code pvcMount}
 * @param nodeSelector      {@code nodeSelector.labels} or {@code nodeSelectorJson}
 * @param tolerations       {@code tolerations}, each as a Kubernetes {@code Toleration} object
 * @param podLabels         {@code podMetadata.labels}
 * @param podAnnotations    {@code podMetadata.annotations}
 * @param imagePullSecrets  {@code imagePullSecret}
 * @param fieldPathsAsEnv   {@code fieldPathAsEnv}: env name → field path
 * @param emptyDirMounts    {@code emptyDirMounts}
 * @param imagePullPolicy   {@code imagePullPolicy}, or null
 * @param activeDeadlineSeconds {@code activeDeadlineSeconds}, or null
 * @param nodeAffinity      {@code nodeAffinity}: each a Kubernetes {@code NodeAffinity} object, or a
 *                          term ({@code matchExpressions}, {@code matchFields}, optional {@code weight})
 * @param unsupported       the other keys given (e.g. {@code nodeAffinity}), which Relay does not apply
 */
public record PlatformSpec(List<SecretEnv> secretsAsEnv, List<VolumeSource> secretsAsVolume,
                           List<SecretEnv> configMapsAsEnv, List<VolumeSource> configMapsAsVolume,
                           List<VolumeSource> pvcMounts, Map<String, String> nodeSelector, List<ObjectNode> tolerations,
                           Map<String, String> podLabels, Map<String, String> podAnnotations,
                           List<String> imagePullSecrets, Map<String, String> fieldPathsAsEnv,
                           List<EmptyDir> emptyDirMounts, String imagePullPolicy, Long activeDeadlineSeconds,
                           List<ObjectNode> nodeAffinity, List<String> unsupported) {

    /** No platform config. */
    public static final PlatformSpec NONE = new PlatformSpec(List.of(), List.of(), List.of(), List.of(), List.of(),
            Map.of(), List.of(), Map.of(), Map.of(), List.of(), Map.of(), List.of(), null, null, List.of(), List.of());

    /**
     * A secret's or config map's keys as environment variables.
     *
     * @param keyToEnv key in the secret → env var name
     */
    public record SecretEnv(String name, Map<String, String> keyToEnv, boolean optional) {}

    /** A secret, config map or PVC mounted at {@code mountPath}. */
    public record VolumeSource(String name, String mountPath, boolean optional) {}

    /** An {@code emptyDir} volume. */
    public record EmptyDir(String volumeName, String mountPath, String medium, String sizeLimit) {}

    /**
     * Resolves a parameter reference of the platform config to its value: a
     * {@code {"componentInputParameter": x}} or {@code {"taskOutputParameter": {...}}} channel as the
     * pipeline model knows them. A {@code {"runtimeValue": {"constant": v}}} is resolved here.
     */
    @FunctionalInterface
    public interface ChannelResolver {
        /** @return the value, or null when the (optional) input has none */
        JsonNode value(JsonNode channel);
    }

    /** Keys this class maps. */
    private static final List<String> KNOWN = List.of("secretAsEnv", "secretAsVolume", "configMapAsEnv",
            "configMapAsVolume", "pvcMount", "nodeSelector", "tolerations", "podMetadata", "imagePullSecret",
            "fieldPathAsEnv", "emptyDirMounts", "imagePullPolicy", "activeDeadlineSeconds", "nodeAffinity");

    /**
     * Reads the platform config of one executor.
     *
     * @param config   {@code platforms.kubernetes.deploymentSpec.executors.<label>}, or null
     * @param channels resolves parameter references (pipeline model); may be null when the config has none
     * @throws IllegalArgumentException naming the field when a required name has no value or a JSON
     *     value (node selector, toleration) is not an object
     */
    public static PlatformSpec parse(String label, JsonNode config, ChannelResolver channels) {
        if (config == null || config.isNull() || config.isMissingNode() || config.isEmpty()) {
            return NONE;
        }
        String where = "platforms.kubernetes.deploymentSpec.executors." + label;
        Resolver r = new Resolver(where, channels);
        List<SecretEnv> secEnv = new ArrayList<>();
        int i = 0;
        for (JsonNode s : config.path("secretAsEnv")) {
            String name = r.name(s, "secretName", "secretNameParameter", where + ".secretAsEnv[" + i++ + "]");
            if (name != null) {
                Map<String, String> k2e = new LinkedHashMap<>();
                for (JsonNode k : s.path("keyToEnv")) {
                    k2e.put(k.path("secretKey").asText(), k.path("envVar").asText());
                }
                secEnv.add(new SecretEnv(name, k2e, s.path("optional").asBoolean(false)));
            }
        }
        List<SecretEnv> cmEnv = new ArrayList<>();
        i = 0;
        for (JsonNode s : config.path("configMapAsEnv")) {
            String name = r.name(s, "configMapName", "configMapNameParameter", where + ".configMapAsEnv[" + i++ + "]");
            if (name != null) {
                Map<String, String> k2e = new LinkedHashMap<>();
                for (JsonNode k : s.path("keyToEnv")) {
                    k2e.put(k.path("configMapKey").asText(), k.path("envVar").asText());
                }
                cmEnv.add(new SecretEnv(name, k2e, s.path("optional").asBoolean(false)));
            }
        }
        List<VolumeSource> secVol = volumes(r, config.path("secretAsVolume"), "secretName", "secretNameParameter", where + ".secretAsVolume");
        List<VolumeSource> cmVol = volumes(r, config.path("configMapAsVolume"), "configMapName", "configMapNameParameter", where + ".configMapAsVolume");
        List<VolumeSource> pvcs = new ArrayList<>();
        i = 0;
        for (JsonNode p : config.path("pvcMount")) {
            String w = where + ".pvcMount[" + i++ + "]";
            String name = r.name(p, "constant", "pvcNameParameter", w);
            if (name == null) {
                // the older form puts the channel on the mount itself
                name = r.value(p, w);
            }
            if (name == null) {
                throw new IllegalArgumentException(w + ": the PVC name has no value");
            }
            pvcs.add(new VolumeSource(name, p.path("mountPath").asText(), false));
        }
        Map<String, String> selector = new LinkedHashMap<>();
        JsonNode ns = config.path("nodeSelector");
        ns.path("labels").fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
        if (ns.has("nodeSelectorJson")) {
            JsonNode v = r.json(ns.get("nodeSelectorJson"), where + ".nodeSelector.nodeSelectorJson");
            if (v != null) {
                v.fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
            }
        }
        List<ObjectNode> tolerations = new ArrayList<>();
        i = 0;
        for (JsonNode t : config.path("tolerations")) {
            String w = where + ".tolerations[" + i++ + "]";
            if (t.has("tolerationJson")) {
                JsonNode v = r.json(t.get("tolerationJson"), w + ".tolerationJson");
                if (v != null) {
                    for (JsonNode one : v.isArray() ? v : List.of(v)) {
                        tolerations.add((ObjectNode) one);
                    }
                }
            } else {
                ObjectNode o = ((ObjectNode) t).deepCopy();
                tolerations.add(o);
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        config.path("podMetadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        config.path("podMetadata").path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        List<String> pullSecrets = new ArrayList<>();
        i = 0;
        for (JsonNode s : config.path("imagePullSecret")) {
            String name = r.name(optional(s), "secretName", "secretNameParameter", where + ".imagePullSecret[" + i++ + "]");
            if (name != null && !name.isEmpty()) {
                pullSecrets.add(name);
            }
        }
        Map<String, String> fieldPaths = new LinkedHashMap<>();
        for (JsonNode f : config.path("fieldPathAsEnv")) {
            fieldPaths.put(f.path("name").asText(), f.path("fieldPath").asText());
        }
        List<EmptyDir> emptyDirs = new ArrayList<>();
        for (JsonNode e : config.path("emptyDirMounts")) {
            emptyDirs.add(new EmptyDir(e.path("volumeName").asText(), e.path("mountPath").asText(),
                    e.path("medium").asText(null), e.path("sizeLimit").asText(null)));
        }
        List<ObjectNode> affinity = new ArrayList<>();
        i = 0;
        for (JsonNode a : config.path("nodeAffinity")) {
            String w = where + ".nodeAffinity[" + i++ + "]";
            if (a.has("nodeAffinityJson")) {
                JsonNode v = r.json(a.get("nodeAffinityJson"), w + ".nodeAffinityJson");
                if (v instanceof ObjectNode o) {
                    affinity.add(o);
                }
            } else if (a instanceof ObjectNode o && !o.isEmpty()) {
                affinity.add(o.deepCopy());
            }
        }
        List<String> unsupported = new ArrayList<>();
        config.fieldNames().forEachRemaining(k -> {
            if (!KNOWN.contains(k)) {
                unsupported.add(k);
            }
        });
        Long deadline = config.has("activeDeadlineSeconds") ? config.get("activeDeadlineSeconds").asLong() : null;
        return new PlatformSpec(secEnv, secVol, cmEnv, cmVol, pvcs, selector, tolerations, labels, annotations,
                pullSecrets, fieldPaths, emptyDirs, config.path("imagePullPolicy").asText(null), deadline, affinity, unsupported);
    }

    /** Copies (immutable). */
    public PlatformSpec {
        secretsAsEnv = List.copyOf(secretsAsEnv);
        secretsAsVolume = List.copyOf(secretsAsVolume);
        configMapsAsEnv = List.copyOf(configMapsAsEnv);
        configMapsAsVolume = List.copyOf(configMapsAsVolume);
        pvcMounts = List.copyOf(pvcMounts);
        nodeSelector = Collections.unmodifiableMap(new LinkedHashMap<>(nodeSelector));
        tolerations = List.copyOf(tolerations);
        podLabels = Collections.unmodifiableMap(new LinkedHashMap<>(podLabels));
        podAnnotations = Collections.unmodifiableMap(new LinkedHashMap<>(podAnnotations));
        imagePullSecrets = List.copyOf(imagePullSecrets);
        fieldPathsAsEnv = Collections.unmodifiableMap(new LinkedHashMap<>(fieldPathsAsEnv));
        emptyDirMounts = List.copyOf(emptyDirMounts);
        nodeAffinity = List.copyOf(nodeAffinity);
        unsupported = List.copyOf(unsupported);
    }

    /**
     * What a local process cannot honour: features that hand the program data or storage only a
     * cluster has (secrets, config maps, PVCs, pod fields, empty dirs) and keys Relay does not know.
     * Scheduling and pod-metadata settings (node selector, tolerations, labels, annotations, image
     * pull settings, deadline) only place or name a pod; locally they are ignored.
     *
     * @return one phrase per feature, e.g. {@code secretAsEnv (secret 'db-password')}; empty when
     *     the execution can run locally
     */
    public List<String> unsupportedLocally() {
        List<String> out = new ArrayList<>();
        secretsAsEnv.forEach(s -> out.add("secretAsEnv (secret '" + s.name() + "')"));
        secretsAsVolume.forEach(s -> out.add("secretAsVolume (secret '" + s.name() + "' at " + s.mountPath() + ")"));
        configMapsAsEnv.forEach(s -> out.add("configMapAsEnv (config map '" + s.name() + "')"));
        configMapsAsVolume.forEach(s -> out.add("configMapAsVolume (config map '" + s.name() + "' at " + s.mountPath() + ")"));
        pvcMounts.forEach(s -> out.add("pvcMount (PVC '" + s.name() + "' at " + s.mountPath() + ")"));
        fieldPathsAsEnv.forEach((k, v) -> out.add("fieldPathAsEnv (" + k + " from " + v + ")"));
        emptyDirMounts.forEach(e -> out.add("emptyDirMounts (" + e.mountPath() + ")"));
        unsupported.forEach(k -> out.add(k));
        return out;
    }

    /** @return whether there is anything to apply */
    public boolean isEmpty() {
        return equals(NONE);
    }

    private static JsonNode optional(JsonNode entry) {
        return entry instanceof ObjectNode o ? o.deepCopy().put("optional", true) : entry;
    }

    private static List<VolumeSource> volumes(Resolver r, JsonNode arr, String constKey, String paramKey, String where) {
        List<VolumeSource> out = new ArrayList<>();
        int i = 0;
        for (JsonNode s : arr) {
            String name = r.name(s, constKey, paramKey, where + "[" + i++ + "]");
            if (name != null) {
                out.add(new VolumeSource(name, s.path("mountPath").asText(), s.path("optional").asBoolean(false)));
            }
        }
        return out;
    }

    /** Resolves names and JSON values given as constants or channels. */
    private record Resolver(String where, ChannelResolver channels) {
        /**
         * @return the name from {@code paramKey} (a channel) or {@code constKey}; null when an optional
         *     entry's channel has no value
         */
        String name(JsonNode entry, String constKey, String paramKey, String w) {
            if (entry.has(paramKey)) {
                JsonNode v = channel(entry.get(paramKey), w + "." + paramKey);
                if (v != null && !v.isNull()) {
                    return v.asText();
                }
                if (entry.path("optional").asBoolean(false)) {
                    return null;
                }
                if (entry.hasNonNull(constKey)) {
                    return entry.get(constKey).asText();
                }
                throw new IllegalArgumentException(w + "." + paramKey + ": has no value (expected the name)");
            }
            if (entry.hasNonNull(constKey)) {
                return entry.get(constKey).asText();
            }
            return null;
        }

        /** @return a channel given on the entry itself (old pvcMount form) */
        String value(JsonNode entry, String w) {
            for (String k : List.of("componentInputParameter", "taskOutputParameter", "runtimeValue")) {
                if (entry.has(k)) {
                    ObjectNode ch = Json.MAPPER.createObjectNode();
                    ch.set(k, entry.get(k));
                    JsonNode v = channel(ch, w);
                    return v == null || v.isNull() ? null : v.asText();
                }
            }
            return entry.hasNonNull("constant") ? entry.get("constant").asText() : null;
        }

        /** @return a JSON object/array value (a channel whose value may be JSON text), or null when absent */
        JsonNode json(JsonNode channel, String w) {
            JsonNode v = channel(channel, w);
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isTextual()) {
                if (v.asText().isEmpty()) {
                    return null;
                }
                try {
                    v = Json.MAPPER.readTree(v.asText());
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(w + ": not valid JSON: " + v.asText());
                }
            }
            if (!v.isObject() && !v.isArray()) {
                throw new IllegalArgumentException(w + ": expected a JSON object, got " + v);
            }
            return v.isObject() && v.isEmpty() ? null : v;
        }

        JsonNode channel(JsonNode ch, String w) {
            if (ch.has("runtimeValue")) {
                JsonNode c = ch.path("runtimeValue").path("constant");
                return c.isMissingNode() ? null : c;
            }
            if (ch.has("constant")) {
                return ch.get("constant");
            }
            if (channels == null) {
                throw new IllegalArgumentException(w + ": refers to " + ch + " and no pipeline context resolves it");
            }
            return channels.value(ch);
        }
    }
}
