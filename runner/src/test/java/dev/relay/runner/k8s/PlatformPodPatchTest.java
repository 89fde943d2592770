package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.relay.runner.executor.PlatformSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kfp-kubernetes platform config mapped onto a Job's pod, on the IR files the KFP SDK compiled with
 * kfp-kubernetes (there is no kfp-kubernetes wheel to compile new ones), and on a hand-written one.
 */
class PlatformPodPatchTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Channels resolve as a pipeline model would: pipeline inputs and task outputs get fixed test values. */
    static final PlatformSpec.ChannelResolver CHANNELS = ch -> {
        if (ch.has("componentInputParameter")) {
            String n = ch.get("componentInputParameter").asText();
            return n.startsWith("optional_") ? null : TextNode.valueOf("in-" + n);
        }
        if (ch.has("taskOutputParameter")) {
            return TextNode.valueOf("out-" + ch.at("/taskOutputParameter/producerTask").asText());
        }
        return null;
    };

    static JsonNode executors(String file) throws Exception {
        String s = System.getProperty("relay.shared.dir");
        Path f = s == null ? null : Path.of(s, "cases/v2_kfp_sdk", file);
        assumeTrue(f != null && Files.exists(f), "skipped: ../shared/cases/v2_kfp_sdk/" + file + " is absent");
        JsonNode doc = null;
        for (JsonNode d : YAML.readValues(YAML.createParser(f.toFile()), JsonNode.class).readAll()) {
            if (d != null && d.has("platforms")) {
                doc = d;
            }
        }
        return doc.at("/platforms/kubernetes/deploymentSpec/executors");
    }

    static PodTemplateSpec pod() {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("relay.dev/run", "r-1").endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("python:3.11").endContainer()
                .addNewContainer().withName("other").endContainer().endSpec().build();
    }

    static PodTemplateSpec apply(JsonNode executors, String label) {
        PodTemplateSpec t = pod();
        PlatformPodPatch.apply(PlatformSpec.parse(label, executors.get(label), CHANNELS), t, "main");
        return t;
    }

    static Container main(PodTemplateSpec t) {
        return t.getSpec().getContainers().get(0);
    }

    @Test
    void secretsAsEnvFromParameterConstantAndTaskOutput() throws Exception {
        PodTemplateSpec t = apply(executors("critical__pipeline_with_secret_as_env.yaml"), "exec-comp");
        List<EnvVar> env = main(t).getEnv();
        assertEquals(List.of("USER_NAME", "PASSWORD_VAR1", "PASSWORD_VAR2"), env.stream().map(EnvVar::getName).toList());
        assertEquals("in-secret_parm", env.get(0).getValueFrom().getSecretKeyRef().getName());
        assertEquals("username", env.get(0).getValueFrom().getSecretKeyRef().getKey());
        assertEquals("test-secret-2", env.get(1).getValueFrom().getSecretKeyRef().getName());
        assertEquals("out-generate-secret-name", env.get(2).getValueFrom().getSecretKeyRef().getName());
        assertTrue(t.getSpec().getContainers().get(1).getEnv().isEmpty(), "only the user's container gets them");
    }

    @Test
    void secretAsVolumeAndPvcMounts() throws Exception {
        PodTemplateSpec t = apply(executors("valid__pipeline_with_secret_as_volume.yaml"), "exec-comp");
        Volume v = t.getSpec().getVolumes().get(0);
        assertEquals("in-secret_param", v.getSecret().getSecretName());
        assertEquals("/mnt/my_vol", main(t).getVolumeMounts().get(0).getMountPath());
        assertEquals(v.getName(), main(t).getVolumeMounts().get(0).getName());

        t = apply(executors("valid__pvc_mount.yaml"), "exec-producer");
        assertEquals("in-pvc_name", t.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
        assertEquals("/data", main(t).getVolumeMounts().get(0).getMountPath());

        t = apply(executors("valid__pipeline_with_volume.yaml"), "exec-consumer");
        assertEquals("out-createpvc", t.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
    }

    @Test
    void podMetadataAndFieldPathsAsEnv() throws Exception {
        PodTemplateSpec t = apply(executors("critical__pipeline_with_pod_metadata.yaml"), "exec-validate-pod-metadata-task-a");
        assertEquals(Map.of("task-annotation", "annotation"), t.getMetadata().getAnnotations());
        assertEquals("label-1", t.getMetadata().getLabels().get("task-label-1"));
        assertEquals("r-1", t.getMetadata().getLabels().get("relay.dev/run"));
        EnvVar e = main(t).getEnv().get(0);
        assertEquals("POD_TASK_ANNOTATION", e.getName());
        assertEquals("metadata.annotations['task-annotation']", e.getValueFrom().getFieldRef().getFieldPath());
    }

    @Test
    void optionalInputsLeftOutApplyNothing() throws Exception {
        PodTemplateSpec t = apply(executors("critical__missing_kubernetes_optional_inputs.yaml"), "exec-log-message");
        assertTrue(main(t).getEnv().isEmpty());
        assertTrue(t.getSpec().getVolumes().isEmpty());
        assertTrue(t.getSpec().getNodeSelector().isEmpty());
        assertTrue(t.getSpec().getTolerations().isEmpty());
        assertNull(t.getSpec().getAffinity());
        assertTrue(t.getSpec().getImagePullSecrets().isEmpty());
    }

    @Test
    void everyStoredPlatformConfigMaps() throws Exception {
        int n = 0;
        for (String f : List.of("critical__missing_kubernetes_optional_inputs.yaml", "critical__pipeline_with_pod_metadata.yaml",
                "critical__pipeline_with_secret_as_env.yaml", "valid__create_pod_metadata_complex.yaml",
                "valid__pipeline_with_secret_as_volume.yaml", "valid__pipeline_with_volume.yaml",
                "valid__pipeline_with_volume_no_cache.yaml", "valid__pvc_mount.yaml")) {
            JsonNode ex = executors(f);
            for (String label : (Iterable<String>) ex::fieldNames) {
                apply(ex, label);
                n++;
            }
        }
        assertTrue(n >= 12, "executors mapped: " + n);
    }

    @Test
    void handWrittenSchedulingAndConfigMaps() throws Exception {
        JsonNode cfg = YAML.readTree("""
                nodeSelector: {labels: {accelerator: nvidia-tesla-k80}}
                tolerations:
                - {key: gpu, operator: Equal, value: "true", effect: NoSchedule}
                - tolerationJson: {runtimeValue: {constant: {key: spot, operator: Exists, effect: NoExecute, tolerationSeconds: 60}}}
                nodeAffinity:
                - {matchExpressions: [{key: zone, operator: In, values: [a, b]}], weight: 10}
                configMapAsEnv:
                - {configMapName: settings, keyToEnv: [{configMapKey: level, envVar: LEVEL}]}
                configMapAsVolume:
                - {configMapName: settings, mountPath: /etc/settings, optional: true}
                imagePullSecret: [{secretName: regcred}]
                imagePullPolicy: Always
                emptyDirMounts: [{volumeName: scratch, mountPath: /scratch, medium: Memory, sizeLimit: 1Gi}]
                activeDeadlineSeconds: 120
                """);
        PodTemplateSpec t = pod();
        PlatformSpec spec = PlatformSpec.parse("exec-x", cfg, null);
        PlatformPodPatch.apply(spec, t, "main");
        assertEquals(Map.of("accelerator", "nvidia-tesla-k80"), t.getSpec().getNodeSelector());
        assertEquals("gpu", t.getSpec().getTolerations().get(0).getKey());
        assertEquals(60L, t.getSpec().getTolerations().get(1).getTolerationSeconds());
        assertEquals(10, t.getSpec().getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0).getWeight());
        assertEquals("settings", main(t).getEnv().get(0).getValueFrom().getConfigMapKeyRef().getName());
        assertEquals("regcred", t.getSpec().getImagePullSecrets().get(0).getName());
        assertEquals("Always", main(t).getImagePullPolicy());
        assertEquals("Memory", t.getSpec().getVolumes().get(1).getEmptyDir().getMedium());
        assertEquals(120L, t.getSpec().getActiveDeadlineSeconds());
        // locally: scheduling hints are ignored, data a cluster holds is refused by name
        assertEquals(List.of("configMapAsEnv (config map 'settings')", "configMapAsVolume (config map 'settings' at /etc/settings)",
                "emptyDirMounts (/scratch)"), spec.unsupportedLocally());
    }

    @Test
    void unknownKeysAreRefusedByName() throws Exception {
        PlatformSpec spec = PlatformSpec.parse("exec-x", YAML.readTree("{kubernetesWorkload: {x: 1}}"), null);
        assertEquals(List.of("kubernetesWorkload"), spec.unsupportedLocally());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlatformPodPatch.apply(spec, pod(), "main"));
        assertEquals("platforms.kubernetes: kubernetesWorkload is not supported by Relay's Kubernetes launcher", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> PlatformSpec.parse("exec-x",
                YAML.readTree("{secretAsEnv: [{secretNameParameter: {componentInputParameter: optional_s}, keyToEnv: []}]}"), CHANNELS));
        assertEquals("platforms.kubernetes.deploymentSpec.executors.exec-x.secretAsEnv[0].secretNameParameter: has no value (expected the name)",
                missing.getMessage());
    }
}
