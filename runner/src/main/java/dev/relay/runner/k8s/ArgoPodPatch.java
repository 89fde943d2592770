package dev.relay.runner.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.argo.ArgoPodFields;
import dev.relay.runner.contract.Json;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an Argo template's pod fields ({@link ArgoPodFields#ANNOTATION}, gathered by the
 * translator in Kubernetes' own shapes) to a Job's pod: {@code volumes} added to the pod;
 * {@code volumeMounts} and secret/config-map/resource-backed {@code env} to the main container
 * (replacing an env var of the same name); {@code initContainers} after Relay's fetch step;
 * {@code sidecars} as native sidecars (init containers with {@code restartPolicy: Always}, after
 * Relay's publish step), which Kubernetes stops when the main container ends, as Argo kills its
 * sidecars, so the Job completes; {@code nodeSelector} (merged over the pod's), {@code tolerations}
 * (added) and {@code affinity} (set). Names that clash with Relay's own volume or containers are
 * refused.
 */
public final class ArgoPodPatch {
    private ArgoPodPatch() {}

    /**
     * @param fields   the annotation's JSON text, or null (nothing to do)
     * @param template the Job's pod template, changed in place
     * @param main     the name of the user's container
     * @param reserved names the pod uses already (Relay's volume and containers)
     * @throws IllegalArgumentException when the JSON is not an object of the expected shapes, or a
     *     volume or container name clashes with a reserved one
     */
    public static void apply(String fields, PodTemplateSpec template, String main, List<String> reserved) {
        if (fields == null) {
            return;
        }
        JsonNode f;
        try {
            f = Json.MAPPER.readTree(fields);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(ArgoPodFields.ANNOTATION + ": not JSON: " + e.getMessage());
        }
        PodSpec pod = template.getSpec();
        Container user = pod.getContainers().stream().filter(c -> c.getName().equals(main)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no container '" + main + "' in the pod"));
        for (Volume v : list(f, "volumes", Volume.class)) {
            checkName("volume", v.getName(), reserved);
            pod.getVolumes().add(v);
        }
        for (VolumeMount m : list(f, "volumeMounts", VolumeMount.class)) {
            user.getVolumeMounts().add(m);
        }
        for (EnvVar e : list(f, "env", EnvVar.class)) {
            user.getEnv().removeIf(x -> x.getName().equals(e.getName()));
            user.getEnv().add(e);
        }
        List<Container> inits = new ArrayList<>(pod.getInitContainers());
        int afterFetch = inits.isEmpty() ? 0 : 1;
        List<Container> argoInits = list(f, "initContainers", Container.class);
        for (Container c : argoInits) {
            checkName("init container", c.getName(), reserved);
        }
        inits.addAll(afterFetch, argoInits);
        for (Container c : list(f, "sidecars", Container.class)) {
            checkName("sidecar", c.getName(), reserved);
            c.setRestartPolicy("Always");
            inits.add(c);
        }
        pod.setInitContainers(inits);
        if (f.hasNonNull("nodeSelector")) {
            Map<String, String> sel = new LinkedHashMap<>(pod.getNodeSelector() == null ? Map.of() : pod.getNodeSelector());
            f.get("nodeSelector").fields().forEachRemaining(e -> sel.put(e.getKey(), e.getValue().asText()));
            pod.setNodeSelector(sel);
        }
        for (Toleration t : list(f, "tolerations", Toleration.class)) {
            pod.getTolerations().add(t);
        }
        if (f.hasNonNull("affinity")) {
            pod.setAffinity(convert(f.get("affinity"), Affinity.class, "affinity"));
        }
    }

    private static void checkName(String what, String name, List<String> reserved) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(ArgoPodFields.ANNOTATION + ": a " + what + " without a name");
        }
        if (reserved.contains(name)) {
            throw new IllegalArgumentException(ArgoPodFields.ANNOTATION + ": the " + what + " name '" + name
                    + "' is Relay's own in the pod (" + String.join(", ", reserved) + "); rename it in the package");
        }
    }

    private static <T> List<T> list(JsonNode f, String key, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (JsonNode n : f.path(key)) {
            out.add(convert(n, type, key));
        }
        return out;
    }

    private static <T> T convert(JsonNode n, Class<T> type, String key) {
        try {
            return Json.MAPPER.treeToValue(n, type);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(ArgoPodFields.ANNOTATION + "." + key + ": not a Kubernetes "
                    + type.getSimpleName() + ": " + e.getMessage());
        }
    }
}
