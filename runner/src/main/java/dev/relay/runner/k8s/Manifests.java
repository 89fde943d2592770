package dev.relay.runner.k8s;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Relay's Kubernetes manifests ({@code deploy/knative}) as {@code relay deploy} renders and
 * applies them: a Java rendering of a kustomization that uses only {@code resources} (files or
 * directories holding such a kustomization), {@code namespace} and {@code images}, giving the same
 * objects in the same order as {@code kubectl kustomize} (kustomize v5's legacy order), and typed
 * loading with fabric8 and its Knative model that refuses any field the model does not know.
 */
public final class Manifests {
    /** The placeholder image name of the functions app in the manifests. */
    public static final String FUNCTIONS_IMAGE = "relay-functions";
    /** The ConfigMap with Relay's settings. */
    public static final String CONFIG_MAP = "relay-config";

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .loaderOptions(dev.relay.eventing.input.SafeYaml.options()) // Relay's limits on what it reads
                    .streamReadConstraints(dev.relay.eventing.input.SafeJson.constraints())
                    .build())
            .build();
    private static final Set<String> KUSTOMIZATION_KEYS = Set.of("apiVersion", "kind", "namespace", "resources", "images");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass", "RuntimeClass",
            "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "CSIDriver", "Node");
    /** kustomize's {@code orderFirst} and {@code orderLast} ({@code api/resid/gvk.go}). */
    private static final List<String> ORDER_FIRST = List.of("Namespace", "ResourceQuota", "StorageClass",
            "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
            "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass",
            "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget");
    private static final List<String> ORDER_LAST = List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

    private Manifests() {}

    /** A manifest or kustomization that cannot be used; the message names the file. */
    public static final class ManifestException extends Exception {
        /** @param message names the file and what is wrong */
        public ManifestException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What {@code relay deploy render} changes on top of the kustomization.
     *
     * @param namespace     replaces the kustomization's {@code namespace} (null: keep it)
     * @param image         the functions image ({@value #FUNCTIONS_IMAGE}), as an overlay's
     *                      {@code images} entry would set it (null: keep it)
     * @param launcherImage {@code RELAY_LAUNCHER_IMAGE} in the ConfigMap {@value #CONFIG_MAP} (null: keep it)
     */
    public record Options(String namespace, String image, String launcherImage) {
        /** Nothing changed: exactly {@code kubectl kustomize DIR}. */
        public static final Options NONE = new Options(null, null, null);
    }

    /**
     * Renders the kustomization in {@code dir}.
     *
     * @return the objects in kustomize's output order
     * @throws ManifestException for a missing or unsupported kustomization, a resource that is not
     *     there, or YAML that does not parse (with its line and column)
     */
    public static List<ObjectNode> render(Path dir, Options options) throws ManifestException {
        List<ObjectNode> objects = build(dir, options.namespace());
        if (options.image() != null) {
            if (options.image().isBlank() || options.image().chars().anyMatch(Character::isWhitespace)) {
                throw new ManifestException("--image '" + options.image() + "' is not an image reference");
            }
            for (ObjectNode o : objects) {
                setImages(o, FUNCTIONS_IMAGE, options.image());
            }
        }
        if (options.launcherImage() != null) {
            boolean found = false;
            for (ObjectNode o : objects) {
                if ("ConfigMap".equals(o.path("kind").asText()) && CONFIG_MAP.equals(o.path("metadata").path("name").asText())) {
                    ((ObjectNode) o.with("data")).put("RELAY_LAUNCHER_IMAGE", options.launcherImage());
                    found = true;
                }
            }
            if (!found) {
                throw new ManifestException(dir + ": no ConfigMap " + CONFIG_MAP + " to set RELAY_LAUNCHER_IMAGE in");
            }
        }
        objects.sort(LEGACY_ORDER);
        return objects;
    }

    private static List<ObjectNode> build(Path dir, String namespaceOverride) throws ManifestException {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new ManifestException(dir + ": no kustomization.yaml");
        }
        List<JsonNode> docs = readYaml(file);
        if (docs.size() != 1 || !docs.get(0).isObject()) {
            throw new ManifestException(file + ": expected one YAML mapping");
        }
        JsonNode k = docs.get(0);
        for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KUSTOMIZATION_KEYS.contains(key)) {
                throw new ManifestException(file + ": '" + key + "' is not supported by relay deploy (only resources, namespace"
                        + " and images); render this kustomization with kubectl kustomize");
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            String name = r.asText();
            if (name.contains("://") || name.startsWith("/")) {
                throw new ManifestException(file + ": resource '" + name + "' must be a relative path");
            }
            Path p = dir.resolve(name).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(build(p, null));
            } else if (Files.isRegularFile(p)) {
                for (JsonNode d : readYaml(p)) {
                    if (d == null || d.isNull() || d.isMissingNode()) {
                        continue;
                    }
                    if (!d.isObject() || !d.hasNonNull("apiVersion") || !d.hasNonNull("kind") || !d.path("metadata").hasNonNull("name")) {
                        throw new ManifestException(p + ": every document needs apiVersion, kind and metadata.name");
                    }
                    out.add((ObjectNode) d);
                }
            } else {
                throw new ManifestException(file + ": resource '" + name + "' does not exist");
            }
        }
        String ns = namespaceOverride != null ? namespaceOverride : k.path("namespace").asText(null);
        if (ns != null) {
            if (!dev.relay.eventing.Dns1123.isLabel(ns)) {
                throw new ManifestException("namespace '" + ns + "' is not a DNS-1123 label");
            }
            for (ObjectNode o : out) {
                setNamespace(o, ns);
            }
        }
        for (JsonNode img : k.path("images")) {
            String name = img.path("name").asText("");
            if (name.isEmpty()) {
                throw new ManifestException(file + ": an images entry needs a name");
            }
            for (ObjectNode o : out) {
                transformImages(o, name, img.path("newName").asText(null), img.path("newTag").asText(null),
                        img.path("digest").asText(null));
            }
        }
        return out;
    }

    /** kustomize's namespace transformer: namespaced objects move, Namespace objects are renamed, SA subjects follow. */
    private static void setNamespace(ObjectNode o, String ns) {
        String kind = o.path("kind").asText();
        ObjectNode meta = (ObjectNode) o.get("metadata");
        if (kind.equals("Namespace")) {
            meta.put("name", ns);
            return;
        }
        if (!CLUSTER_SCOPED.contains(kind)) {
            meta.put("namespace", ns);
        }
        if (kind.equals("RoleBinding") || kind.equals("ClusterRoleBinding")) {
            for (JsonNode s : o.path("subjects")) {
                if ("ServiceAccount".equals(s.path("kind").asText())
                        && (s.path("namespace").asText("").isEmpty() || "default".equals(s.path("name").asText()))) {
                    ((ObjectNode) s).put("namespace", ns);
                }
            }
        }
    }

    private static void transformImages(JsonNode node, String name, String newName, String newTag, String digest) {
        walkContainers(node, c -> {
            String image = c.path("image").asText(null);
            if (image == null || !imageName(image).equals(name)) {
                return;
            }
            String rest = image.substring(imageName(image).length());
            String result = newName != null ? newName : name;
            if (digest != null) {
                result += "@" + digest;
            } else if (newTag != null) {
                result += ":" + newTag;
            } else {
                result += rest;
            }
            c.put("image", result);
        });
    }

    private static void setImages(JsonNode node, String name, String image) {
        walkContainers(node, c -> {
            String current = c.path("image").asText(null);
            if (current != null && imageName(current).equals(name)) {
                c.put("image", image);
            }
        });
    }

    /** Calls {@code f} on every element of any {@code containers} or {@code initContainers} array in the tree. */
    private static void walkContainers(JsonNode node, java.util.function.Consumer<ObjectNode> f) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if ((e.getKey().equals("containers") || e.getKey().equals("initContainers")) && e.getValue().isArray()) {
                    for (JsonNode c : e.getValue()) {
                        if (c.isObject()) {
                            f.accept((ObjectNode) c);
                        }
                    }
                } else {
                    walkContainers(e.getValue(), f);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode c : (ArrayNode) node) {
                walkContainers(c, f);
            }
        }
    }

    /** The name part of an image reference: without {@code @digest} and without a {@code :tag} after the last {@code /}. */
    static String imageName(String image) {
        int at = image.indexOf('@');
        String s = at >= 0 ? image.substring(0, at) : image;
        int colon = s.lastIndexOf(':');
        return colon > s.lastIndexOf('/') ? s.substring(0, colon) : s;
    }

    private static final Comparator<ObjectNode> LEGACY_ORDER = Comparator
            .comparingInt((ObjectNode o) -> kindOrder(o.path("kind").asText()))
            .thenComparing(Manifests::gvkString)
            .thenComparing(o -> o.path("metadata").path("namespace").asText(""))
            .thenComparing(o -> o.path("metadata").path("name").asText(""));

    private static int kindOrder(String kind) {
        int first = ORDER_FIRST.indexOf(kind);
        if (first >= 0) {
            return first - ORDER_FIRST.size();
        }
        int last = ORDER_LAST.indexOf(kind);
        return last >= 0 ? last + 1 : 0;
    }

    /** kustomize's {@code Gvk.String()}: group, version, kind joined by {@code _}, {@code ~G} for the core group. */
    private static String gvkString(ObjectNode o) {
        String apiVersion = o.path("apiVersion").asText();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "~G" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "_" + version + "_" + o.path("kind").asText();
    }

    /** @return the objects as one YAML stream, documents separated by {@code ---} */
    public static String toYaml(List<? extends JsonNode> objects) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode o : objects) {
            if (sb.length() > 0) {
                sb.append("---\n");
            }
            try {
                sb.append(YAML.writeValueAsString(o));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    /**
     * Parses a YAML stream (one or more documents).
     *
     * @throws ManifestException naming the file, line and column of a syntax error
     */
    public static List<JsonNode> readYaml(Path file) throws ManifestException {
        try {
            return parseYaml(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ManifestException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses a YAML stream held in memory; {@code what} names it in errors. */
    public static List<JsonNode> parseYaml(String text, String what) throws ManifestException {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            List<JsonNode> docs = new ArrayList<>();
            while (it.hasNextValue()) {
                docs.add(it.nextValue());
            }
            return docs;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new ManifestException(what + (l == null ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr())
                    + ": not valid YAML: " + dev.relay.eventing.input.ErrorText.plain(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            throw new ManifestException(what + ": not valid YAML: " + e.getMessage());
        }
    }

    /**
     * Loads each object as its fabric8 type (core, apps, RBAC, batch, Knative serving, eventing
     * and sources).
     *
     * @param what names the source in errors (a file, or "the rendered manifests")
     * @throws ManifestException for a kind no model knows, or any field the model does not know
     *     (fabric8 would keep it in {@code additionalProperties} and send it on), listed with paths
     */
    public static List<HasMetadata> typed(List<? extends JsonNode> objects, String what) throws ManifestException {
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<HasMetadata> out = new ArrayList<>();
        for (JsonNode o : objects) {
            String id = o.path("apiVersion").asText() + " " + o.path("kind").asText() + " " + o.path("metadata").path("name").asText();
            Object typed;
            try {
                typed = serialization.unmarshal(o.toString());
            } catch (RuntimeException e) {
                throw new ManifestException(what + ": " + id + ": " + e.getMessage());
            }
            if (!(typed instanceof HasMetadata h) || typed instanceof GenericKubernetesResource) {
                throw new ManifestException(what + ": " + id + ": no typed model knows this kind (is the apiVersion right?)");
            }
            List<String> unknown = unknownFields(typed);
            if (!unknown.isEmpty()) {
                throw new ManifestException(what + ": " + id + ": unknown field" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown));
            }
            out.add(h);
        }
        return out;
    }

    /**
     * Every field of a fabric8 model tree that its class does not declare, as a path
     * ({@code spec.template.spec.containers[0].imagePullPolcy}).
     */
    public static List<String> unknownFields(Object model) {
        List<String> out = new ArrayList<>();
        walk(model, "", out, 0);
        return out;
    }

    private static void walk(Object o, String path, List<String> out, int depth) {
        if (o == null || depth > 64) {
            return;
        }
        if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "[" + i + "]", out, depth + 1);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "[" + e.getKey() + "]", out, depth + 1);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getName().equals("getClass") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra) {
                    for (Object k : extra.keySet()) {
                        out.add((path.isEmpty() ? "" : path + ".") + k);
                    }
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(v, path.isEmpty() ? field : path + "." + field, out, depth + 1);
        }
    }
}
