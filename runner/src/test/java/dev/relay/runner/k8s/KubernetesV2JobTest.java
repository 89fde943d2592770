package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.run.RunController;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * KFP v2 executions as Jobs on fabric8's mock API server: the executor contract in the pod (KFP's
 * {@code /s3/...} paths and {@code /tmp/kfp/outputs} as subPath mounts of the shared dir, the
 * executor input on the command line), {@code platforms.kubernetes} in the pod spec, the IR's
 * resources, an importer decided without a Job; the pod's steps are then run here (fetch, the
 * user's command with the mounts mapped to a temp dir, publish) and publish the v2 status last.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesV2JobTest extends MockClusterTest {
    static KubernetesClient client;

    static Path fixture() throws Exception {
        Path f = dir.resolve("k8s_import_produce_consume.yaml");
        try (var in = KubernetesV2JobTest.class.getResourceAsStream("/v2/k8s_import_produce_consume.yaml")) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    static PodPlan plan(Container c) {
        String json = c.getEnv().stream().filter(e -> e.getName().equals("RELAY_POD_PLAN")).findFirst().orElseThrow().getValue();
        return Json.read(json.replace("$$", "$").getBytes(StandardCharsets.UTF_8), PodPlan.class, "plan");
    }

    /** Runs a Job's pod here: fetch, the user's argv with KFP's mount paths mapped into {@code podDir}, publish. */
    static AttemptStatus runPod(Job job, Path podDir) throws Exception {
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        PodPlan plan = plan(pod.getInitContainers().get(0));
        PodSteps steps = new PodSteps(store, Clock.systemUTC());
        steps.fetch(plan, podDir);
        Container main = pod.getContainers().get(0);
        List<String> argv = new ArrayList<>();
        for (String a : main.getArgs()) {
            String local = a.replace("$$", "$");
            for (VolumeMount m : main.getVolumeMounts()) {
                if (m.getSubPath() != null) {
                    local = local.replace(m.getMountPath() + "/", podDir.resolve(m.getSubPath()) + "/");
                }
            }
            argv.add(local);
        }
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(podDir.resolve("log.txt").toFile()).start();
        int code = p.waitFor();
        return steps.publish(plan, podDir, code).orElseThrow();
    }

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
    }

    @Test
    void importProduceConsumeAsJobs() throws Exception {
        store.put("data/in.txt", "imported bytes\n".getBytes(StandardCharsets.UTF_8));
        String runId = K8sFixtures.submit(store, fixture(), Map.of("n", "3"));
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        RunController controller = K8sFixtures.controller(store, launcher);
        controller.evaluate(runId);

        // the importer: no Job, its status at once, the URI referenced with resolved metadata
        assertNull(K8sFixtures.job(client, JobNames.jobName(runId, "importer", 1)));
        AttemptStatus imported = controller.status(runId, "importer", 1);
        assertEquals(ExecutionPhase.Succeeded, imported.phase());
        assertEquals("s3://mlpipeline/data/in.txt", imported.outputs().get("artifact").uri());
        assertEquals("system.Dataset", imported.outputs().get("artifact").schemaTitle());
        assertEquals("s3://mlpipeline/data/in.txt", imported.outputs().get("artifact").metadata().path("source").asText());

        controller.evaluate(runId);
        Job produce = K8sFixtures.job(client, JobNames.jobName(runId, "produce", 1));
        assertNotNull(produce, "the producer's Job");
        PodSpec pod = produce.getSpec().getTemplate().getSpec();
        Container main = pod.getContainers().get(0);
        assertEquals("alpine:3.20", main.getImage());
        String numbers = "/s3/mlpipeline/" + RunLayout.output(runId, "produce", "numbers");
        assertEquals(List.of("sh", "-c", "seq 3 > " + numbers + " && cat /s3/mlpipeline/data/in.txt && echo 6 > /tmp/kfp/outputs/total"),
                main.getArgs(), "the user's argv, KFP's paths");
        Map<String, String> mounts = main.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, m -> m.getSubPath() == null ? "" : m.getSubPath()));
        assertEquals("s3", mounts.get("/s3"));
        assertEquals("kfp-outputs", mounts.get("/tmp/kfp/outputs"));
        assertEquals("", mounts.get("/relay"));
        // platforms.kubernetes
        assertEquals("db", env(main, "DB_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertEquals("password", env(main, "DB_PASSWORD").getValueFrom().getSecretKeyRef().getKey());
        assertEquals(Map.of("disk", "ssd"), pod.getNodeSelector());
        assertEquals("gpu", pod.getTolerations().get(0).getKey());
        assertEquals("NoSchedule", pod.getTolerations().get(0).getEffect());
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                && v.getPersistentVolumeClaim().getClaimName().equals("shared-data")));
        assertTrue(mounts.containsKey("/data"));
        // the IR's resources
        assertEquals(new Quantity("0.5"), main.getResources().getLimits().get("cpu"));
        assertEquals(new Quantity("0.5G"), main.getResources().getLimits().get("memory"));
        assertEquals(new Quantity("1"), main.getResources().getLimits().get("nvidia.com/gpu"));
        assertTrue(main.getEnv().stream().noneMatch(e -> e.getName().startsWith("RELAY_S3")), "the user's container gets no keys");

        AttemptStatus produced = runPod(produce, Files.createDirectories(dir.resolve("pod-produce")));
        assertEquals(ExecutionPhase.Succeeded, produced.phase(), produced.message());
        assertEquals(List.of("total"), List.copyOf(produced.parameters().keySet()));
        assertTrue(produced.parameters().get("total").isIntegralNumber() && produced.parameters().get("total").asInt() == 6,
                "a NUMBER_INTEGER read from /tmp/kfp/outputs/total: " + produced.parameters());
        assertEquals("system.Dataset", produced.outputs().get("numbers").schemaTitle());
        assertEquals("1\n2\n3\n", new String(store.get(RunLayout.output(runId, "produce", "numbers")).orElseThrow(), StandardCharsets.UTF_8));
        assertTrue(Files.readString(dir.resolve("pod-produce/log.txt")).contains("imported bytes"), "the imported input was fetched");
        AttemptStatus stored = controller.status(runId, "produce", 1);
        assertEquals(ExecutionPhase.Succeeded, stored.phase(), "status.json is in the bucket");
        assertEquals(produced.outputs().get("numbers").uri(), stored.outputs().get("numbers").uri());
        assertEquals(6, stored.parameters().get("total").asInt());

        controller.evaluate(runId);
        Job consume = K8sFixtures.job(client, JobNames.jobName(runId, "consume", 1));
        assertNotNull(consume);
        Container consumeMain = consume.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("cat", numbers), consumeMain.getArgs());
        Map<String, String> selector = consume.getSpec().getTemplate().getSpec().getNodeSelector();
        assertTrue(selector == null || selector.isEmpty(), "platform config is per executor: " + selector);
        AttemptStatus consumed = runPod(consume, Files.createDirectories(dir.resolve("pod-consume")));
        assertEquals(ExecutionPhase.Succeeded, consumed.phase(), consumed.message());
        assertEquals("1\n2\n3\n", Files.readString(dir.resolve("pod-consume/log.txt")));
    }

    @Test
    void anOutputParameterNotWrittenFailsTheAttemptInThePod() throws Exception {
        store.put("data/in.txt", "x\n".getBytes(StandardCharsets.UTF_8));
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, Files.readString(fixture()).replace(" && echo 6 > {{$.outputs.parameters['total'].output_file}}", ""));
        String runId = K8sFixtures.submit(store, f, Map.of());
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        RunController controller = K8sFixtures.controller(store, launcher);
        controller.evaluate(runId);
        controller.evaluate(runId);
        AttemptStatus s = runPod(K8sFixtures.job(client, JobNames.jobName(runId, "produce", 1)),
                Files.createDirectories(dir.resolve("pod-broken")));
        assertEquals(ExecutionPhase.Failed, s.phase());
        assertEquals(AttemptStatus.OUTPUT_MISSING, s.reason());
        assertTrue(s.message().contains("output parameter 'total'"), s.message());
    }

    @Test
    void aLocalPathImportFromAnEventRunIsRefused() throws Exception {
        Path f = dir.resolve("local.yaml");
        Files.writeString(f, Files.readString(fixture()).replace("s3://mlpipeline/data/in.txt", dir.resolve("s3").toString()));
        dev.relay.runner.run.RunService runs = new dev.relay.runner.run.RunService(store, Clock.systemUTC());
        String runId = runs.newRunId();
        runs.submit(runId, dev.relay.runner.run.RunService.prepare(f), Map.of(),
                new dev.relay.runner.contract.RunDoc.Cause("upload", "t", Map.of(), Map.of()));
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        RunController controller = K8sFixtures.controller(store, launcher);
        controller.evaluate(runId);
        AttemptStatus s = controller.status(runId, "importer", 1);
        assertEquals(ExecutionPhase.Failed, s.phase());
        assertTrue(s.message().contains("accepted only from the CLI"), s.message());
    }
}
