package dev.relay.runner.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.executor.PlatformSpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import dev.relay.runner.spec.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an executor's {@code kfp-kubernetes} settings ({@link PlatformSpec}) to the pod of its Job,
 * as KFP's driver does ({@code backend/src/v2/driver} {@code extendPodSpecPatch}): secrets and config
 * maps as env ({@code secretKeyRef}/{@code configMapKeyRef}) or volumes, PVC mounts, node selector,
 * tolerations, node affinity, pod labels and annotations, image pull secrets and policy, field paths as env,
 * {@code emptyDir} mounts and the pod's {@code activeDeadlineSeconds}. Only the main (user)
 * container gets the env and mounts.
 */
public final class PlatformPodPatch {
    private PlatformPodPatch() {}

    /**
     * Patches {@code template} in place.
     *
     * @param main the name of the user's container in it
     * @throws IllegalArgumentException when the platform config names a key Relay does not apply
     *     (e.g. {@code nodeAffinity}), naming it
     */
    public static void apply(PlatformSpec spec, PodTemplateSpec template, String main) {
        if (spec == null || spec.isEmpty()) {
            return;
        }
        if (!spec.unsupported().isEmpty()) {
            throw new IllegalArgumentException("platforms.kubernetes: " + String.join(", ", spec.unsupported())
                    + " is not supported by Relay's Kubernetes launcher");
        }
        PodSpec pod = template.getSpec();
        Container c = pod.getContainers().stream().filter(k -> main.equals(k.getName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no container " + main + " in the pod"));
        List<EnvVar> env = new ArrayList<>(c.getEnv() == null ? List.of() : c.getEnv());
        List<VolumeMount> mounts = new ArrayList<>(c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts());
        List<Volume> volumes = new ArrayList<>(pod.getVolumes() == null ? List.of() : pod.getVolumes());

        for (PlatformSpec.SecretEnv s : spec.secretsAsEnv()) {
            s.keyToEnv().forEach((key, var) -> env.add(new EnvVarBuilder().withName(var).withNewValueFrom()
                    .withNewSecretKeyRef().withName(s.name()).withKey(key).withOptional(s.optional()).endSecretKeyRef()
                    .endValueFrom().build()));
        }
        for (PlatformSpec.SecretEnv s : spec.configMapsAsEnv()) {
            s.keyToEnv().forEach((key, var) -> env.add(new EnvVarBuilder().withName(var).withNewValueFrom()
                    .withNewConfigMapKeyRef().withName(s.name()).withKey(key).withOptional(s.optional()).endConfigMapKeyRef()
                    .endValueFrom().build()));
        }
        spec.fieldPathsAsEnv().forEach((var, path) -> env.add(new EnvVarBuilder().withName(var).withNewValueFrom()
                .withNewFieldRef().withFieldPath(path).endFieldRef().endValueFrom().build()));
        int i = 0;
        for (PlatformSpec.VolumeSource s : spec.secretsAsVolume()) {
            String name = volumeName("secret", i++, s.name());
            volumes.add(new VolumeBuilder().withName(name).withNewSecret().withSecretName(s.name())
                    .withOptional(s.optional()).endSecret().build());
            mounts.add(mount(name, s.mountPath()));
        }
        i = 0;
        for (PlatformSpec.VolumeSource s : spec.configMapsAsVolume()) {
            String name = volumeName("configmap", i++, s.name());
            volumes.add(new VolumeBuilder().withName(name).withNewConfigMap().withName(s.name())
                    .withOptional(s.optional()).endConfigMap().build());
            mounts.add(mount(name, s.mountPath()));
        }
        i = 0;
        for (PlatformSpec.VolumeSource s : spec.pvcMounts()) {
            String name = volumeName("pvc", i++, s.name());
            volumes.add(new VolumeBuilder().withName(name).withNewPersistentVolumeClaim().withClaimName(s.name())
                    .endPersistentVolumeClaim().build());
            mounts.add(mount(name, s.mountPath()));
        }
        for (PlatformSpec.EmptyDir e : spec.emptyDirMounts()) {
            String name = Names.dnsLabel(e.volumeName());
            volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().withMedium(e.medium())
                    .withSizeLimit(e.sizeLimit() == null ? null : new Quantity(e.sizeLimit())).endEmptyDir().build());
            mounts.add(mount(name, e.mountPath()));
        }
        c.setEnv(env);
        c.setVolumeMounts(mounts);
        pod.setVolumes(volumes);
        if (spec.imagePullPolicy() != null) {
            c.setImagePullPolicy(spec.imagePullPolicy());
        }
        if (!spec.nodeSelector().isEmpty()) {
            Map<String, String> sel = new LinkedHashMap<>(pod.getNodeSelector() == null ? Map.of() : pod.getNodeSelector());
            sel.putAll(spec.nodeSelector());
            pod.setNodeSelector(sel);
        }
        if (!spec.tolerations().isEmpty()) {
            List<Toleration> tol = new ArrayList<>(pod.getTolerations() == null ? List.of() : pod.getTolerations());
            spec.tolerations().forEach(t -> tol.add(new Toleration(t.path("effect").asText(null), t.path("key").asText(null),
                    t.path("operator").asText(null), t.has("tolerationSeconds") ? t.get("tolerationSeconds").asLong() : null,
                    t.path("value").asText(null))));
            pod.setTolerations(tol);
        }
        if (!spec.imagePullSecrets().isEmpty()) {
            List<LocalObjectReference> refs = new ArrayList<>(pod.getImagePullSecrets() == null ? List.of() : pod.getImagePullSecrets());
            spec.imagePullSecrets().forEach(s -> refs.add(new LocalObjectReference(s)));
            pod.setImagePullSecrets(refs);
        }
        if (!spec.nodeAffinity().isEmpty()) {
            pod.setAffinity(affinity(pod.getAffinity(), spec.nodeAffinity()));
        }
        if (spec.activeDeadlineSeconds() != null && spec.activeDeadlineSeconds() > 0) {
            pod.setActiveDeadlineSeconds(spec.activeDeadlineSeconds());
        }
        if (!spec.podLabels().isEmpty() || !spec.podAnnotations().isEmpty()) {
            ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
            Map<String, String> labels = new LinkedHashMap<>(spec.podLabels());
            if (meta.getLabels() != null) {
                labels.putAll(meta.getLabels()); // Relay's own labels win: the job-status handler relies on them
            }
            Map<String, String> ann = new LinkedHashMap<>(spec.podAnnotations());
            if (meta.getAnnotations() != null) {
                ann.putAll(meta.getAnnotations());
            }
            meta.setLabels(labels);
            meta.setAnnotations(ann);
            template.setMetadata(meta);
        }
    }

    /** A full NodeAffinity object is taken as is; a term is required, or preferred when it has a weight. */
    private static Affinity affinity(Affinity current, List<ObjectNode> terms) {
        Affinity a = current == null ? new Affinity() : current;
        NodeAffinity na = a.getNodeAffinity() == null ? new NodeAffinity() : a.getNodeAffinity();
        for (ObjectNode t : terms) {
            if (t.has("requiredDuringSchedulingIgnoredDuringExecution") || t.has("preferredDuringSchedulingIgnoredDuringExecution")) {
                NodeAffinity full = Json.MAPPER.convertValue(t, NodeAffinity.class);
                if (full.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
                    na.setRequiredDuringSchedulingIgnoredDuringExecution(full.getRequiredDuringSchedulingIgnoredDuringExecution());
                }
                if (full.getPreferredDuringSchedulingIgnoredDuringExecution() != null) {
                    List<PreferredSchedulingTerm> pref = new ArrayList<>(na.getPreferredDuringSchedulingIgnoredDuringExecution() == null
                            ? List.of() : na.getPreferredDuringSchedulingIgnoredDuringExecution());
                    pref.addAll(full.getPreferredDuringSchedulingIgnoredDuringExecution());
                    na.setPreferredDuringSchedulingIgnoredDuringExecution(pref);
                }
                continue;
            }
            ObjectNode termJson = t.deepCopy();
            termJson.remove("weight");
            NodeSelectorTerm term = Json.MAPPER.convertValue(termJson, NodeSelectorTerm.class);
            if (t.has("weight")) {
                List<PreferredSchedulingTerm> pref = new ArrayList<>(na.getPreferredDuringSchedulingIgnoredDuringExecution() == null
                        ? List.of() : na.getPreferredDuringSchedulingIgnoredDuringExecution());
                pref.add(new PreferredSchedulingTerm(term, t.get("weight").asInt()));
                na.setPreferredDuringSchedulingIgnoredDuringExecution(pref);
            } else {
                NodeSelector req = na.getRequiredDuringSchedulingIgnoredDuringExecution() == null
                        ? new NodeSelector(new ArrayList<>()) : na.getRequiredDuringSchedulingIgnoredDuringExecution();
                List<NodeSelectorTerm> ts = new ArrayList<>(req.getNodeSelectorTerms());
                ts.add(term);
                req.setNodeSelectorTerms(ts);
                na.setRequiredDuringSchedulingIgnoredDuringExecution(req);
            }
        }
        a.setNodeAffinity(na);
        return a;
    }

    private static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).build();
    }

    private static String volumeName(String kind, int i, String source) {
        String n = Names.dnsLabel(kind + "-" + i + "-" + source);
        return n.length() > 63 ? n.substring(0, 63).replaceAll("-+$", "") : n;
    }
}
