package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.launch.ArgumentValue;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.RunController;
import dev.relay.runner.contract.RunLayout;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Jobs of the seed pipeline's tasks on fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesJobLauncherTest extends MockClusterTest {
    static KubernetesClient client;

    private KubernetesJobLauncher launcher() {
        return new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
    }

    @Test
    void seedPipelineTasksBecomeJobsWithTheRulesOfTheIssue() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of("count", "5"));
        KubernetesJobLauncher launcher = launcher();
        RunController controller = K8sFixtures.controller(store, launcher);
        for (String task : List.of("gen", "sum", "print")) {
            assertTrue(launcher.launch(controller.request(runId, task, 1)), task);
        }

        Job gen = K8sFixtures.job(client, JobNames.jobName(runId, "gen", 1));
        assertNotNull(gen, "the gen Job exists");
        assertTrue(gen.getMetadata().getName().length() <= 63);
        assertEquals(Map.of(JobNames.RUN, runId, JobNames.TASK, "gen", JobNames.ATTEMPT, "1", JobNames.MANAGED_BY, "relay"),
                gen.getMetadata().getLabels());
        assertEquals(runId, gen.getMetadata().getAnnotations().get(JobNames.RUN));
        assertEquals("gen", gen.getMetadata().getAnnotations().get(JobNames.TASK));
        assertEquals("1", gen.getMetadata().getAnnotations().get(JobNames.ATTEMPT));
        assertEquals(0, gen.getSpec().getBackoffLimit());
        assertEquals(86_400L, gen.getSpec().getActiveDeadlineSeconds());
        assertEquals(86_400, gen.getSpec().getTtlSecondsAfterFinished());
        assertEquals(gen.getMetadata().getLabels(), gen.getSpec().getTemplate().getMetadata().getLabels());

        PodSpec pod = gen.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals("relay-launcher", pod.getServiceAccountName());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals(1, pod.getVolumes().size());
        assertEquals("relay", pod.getVolumes().get(0).getName());
        assertNotNull(pod.getVolumes().get(0).getEmptyDir());

        assertEquals(List.of("relay-fetch", "relay-publish"), pod.getInitContainers().stream().map(Container::getName).toList());
        Container fetch = pod.getInitContainers().get(0);
        Container publish = pod.getInitContainers().get(1);
        assertNull(fetch.getRestartPolicy(), "fetch runs to completion before anything else");
        assertEquals("Always", publish.getRestartPolicy(), "publish is a native sidecar");
        for (Container c : List.of(fetch, publish)) {
            assertEquals(K8sFixtures.IMAGE, c.getImage());
            assertEquals("java", c.getCommand().get(0));
            assertEquals("/relay", c.getVolumeMounts().get(0).getMountPath());
            assertEquals("http://minio.relay.svc:9000", env(c, "RELAY_S3_ENDPOINT").getValue());
            assertEquals("mlpipeline", env(c, "RELAY_BUCKET").getValue());
            for (String key : List.of("RELAY_S3_ACCESS_KEY", "RELAY_S3_SECRET_KEY")) {
                EnvVar e = env(c, key);
                assertNull(e.getValue(), "credentials are never copied into the Job");
                assertEquals("relay-secrets", e.getValueFrom().getSecretKeyRef().getName());
                assertEquals(key, e.getValueFrom().getSecretKeyRef().getKey());
            }
        }
        assertEquals(List.of(fetch.getCommand().subList(0, fetch.getCommand().size() - 1), List.of("fetch")),
                List.of(publish.getCommand().subList(0, publish.getCommand().size() - 1), List.of(fetch.getCommand().get(fetch.getCommand().size() - 1))));
        assertEquals("publish", publish.getCommand().get(publish.getCommand().size() - 1));

        assertEquals(1, pod.getContainers().size());
        Container main = pod.getContainers().get(0);
        assertEquals("main", main.getName());
        assertEquals("python:3.11-slim", main.getImage());
        assertEquals(List.of("/bin/sh", "/relay/bin/relay-wrap.sh"), main.getCommand());
        assertEquals("python3", main.getArgs().get(0));
        assertEquals(List.of("--count", "5", "--output", "/relay/outputs/0-numbers/data"),
                main.getArgs().subList(main.getArgs().size() - 4, main.getArgs().size()));
        assertTrue(main.getArgs().get(3).contains("import argparse"), "the inline program is one argv element");
        assertTrue(main.getEnv().stream().noneMatch(e -> e.getName().startsWith("RELAY_S3")), "the user's container gets no keys");
        assertEquals("/relay", main.getVolumeMounts().get(0).getMountPath());

        PodPlan genPlan = plan(fetch);
        assertEquals(new PodPlan(runId, "gen", 1, "/relay", List.of(), List.of(new PodPlan.Output("numbers",
                "/relay/outputs/0-numbers/data", "/relay/outputs/0-numbers/data", RunLayout.output(runId, "gen", "numbers"), false))),
                genPlan);
        assertEquals(genPlan, plan(publish));

        Job sum = K8sFixtures.job(client, JobNames.jobName(runId, "sum", 1));
        Container sumMain = sum.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("--numbers", "/relay/inputs/0-numbers/data", "--output", "/relay/outputs/0-sum/data"),
                sumMain.getArgs().subList(sumMain.getArgs().size() - 4, sumMain.getArgs().size()));
        PodPlan sumPlan = plan(sum.getSpec().getTemplate().getSpec().getInitContainers().get(0));
        assertEquals(List.of(new PodPlan.Input("numbers", "/relay/inputs/0-numbers/data",
                store.uri(RunLayout.output(runId, "gen", "numbers")), null)), sumPlan.inputs());

        Job print = K8sFixtures.job(client, JobNames.jobName(runId, "print", 1));
        assertEquals("print", print.getMetadata().getLabels().get(JobNames.TASK));
        assertEquals(3, client.batch().v1().jobs().inNamespace(K8sFixtures.NS).withLabel(JobNames.RUN, runId).list().getItems().size());
    }

    @Test
    void launchingTwiceLeavesOneJobAndNoError() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of());
        KubernetesJobLauncher launcher = launcher();
        ExecutionRequest gen = K8sFixtures.controller(store, launcher).request(runId, "gen", 1);
        assertTrue(launcher.launch(gen));
        assertFalse(launcher.launch(gen), "the second launch finds the Job (409) and does nothing");
        assertFalse(launcher().launch(gen), "so does another instance");
        assertEquals(1, client.batch().v1().jobs().inNamespace(K8sFixtures.NS).withLabel(JobNames.RUN, runId).list().getItems().size());
    }

    @Test
    void aJobOfTheSameNameWithOtherLabelsIsAnErrorNamingIt() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of());
        KubernetesJobLauncher launcher = launcher();
        ExecutionRequest gen = K8sFixtures.controller(store, launcher).request(runId, "gen", 1);
        String name = JobNames.jobName(runId, "gen", 1);
        client.batch().v1().jobs().inNamespace(K8sFixtures.NS).resource(new JobBuilder().withNewMetadata().withName(name)
                .addToLabels(JobNames.RUN, "someone-else").endMetadata().withNewSpec().withNewTemplate().withNewSpec()
                .addNewContainer().withName("x").withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        KubernetesJobLauncher.LaunchException e = assertThrows(KubernetesJobLauncher.LaunchException.class, () -> launcher.launch(gen));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("someone-else"), e.getMessage());
    }

    @Test
    void taskAnnotationsSetDeadlineAndResources() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of());
        KubernetesJobLauncher launcher = launcher();
        ExecutionRequest gen = K8sFixtures.controller(store, launcher).request(runId, "gen", 2);
        ExecutionRequest annotated = new ExecutionRequest(gen.runId(), gen.task(), gen.attempt(), gen.component(), gen.arguments(),
                Map.of("relay.dev/timeout", "1h30m", "relay.dev/cpu", "500m", "relay.dev/memory", "1Gi"));
        Job job = launcher.job(annotated);
        assertEquals(5400L, job.getSpec().getActiveDeadlineSeconds());
        Container main = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(new Quantity("500m"), main.getResources().getRequests().get("cpu"));
        assertEquals(new Quantity("500m"), main.getResources().getLimits().get("cpu"));
        assertEquals(new Quantity("1Gi"), main.getResources().getRequests().get("memory"));
        assertEquals(new Quantity("1Gi"), main.getResources().getLimits().get("memory"));
        assertEquals("a2", job.getMetadata().getName().substring(job.getMetadata().getName().length() - 2));
    }

    @Test
    void aBadAnnotationFailsTheAttemptWithLaunchFailedAndNoJob() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of());
        KubernetesJobLauncher launcher = launcher();
        ExecutionRequest gen = K8sFixtures.controller(store, launcher).request(runId, "gen", 1);
        ExecutionRequest bad = new ExecutionRequest(gen.runId(), gen.task(), 1, gen.component(), gen.arguments(),
                Map.of("relay.dev/memory", "lots"));
        assertTrue(launcher.launch(bad));
        assertFalse(launcher.launch(bad), "idempotent: the status is there");
        assertNull(K8sFixtures.job(client, JobNames.jobName(runId, "gen", 1)));
        AttemptStatus s = Json.read(store.get(RunLayout.attemptStatus(runId, "gen", 1)).orElseThrow(), AttemptStatus.class, "status");
        assertEquals(ExecutionPhase.Failed, s.phase());
        assertEquals(AttemptStatus.LAUNCH_FAILED, s.reason());
        assertTrue(s.message().contains("relay.dev/memory") && s.message().contains("'lots'"), s.message());
    }

    @Test
    void dollarsAndQuotesReachTheArgvByteForByte() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of());
        KubernetesJobLauncher launcher = launcher();
        ExecutionRequest gen = K8sFixtures.controller(store, launcher).request(runId, "gen", 1);
        String tricky = "$(HOME) $$ '\"; rm -rf / `x`";
        ExecutionRequest r = new ExecutionRequest(gen.runId(), gen.task(), 1, gen.component(),
                Map.of("count", new ArgumentValue.Value(tricky)), Map.of());
        Container main = launcher.job(r).getSpec().getTemplate().getSpec().getContainers().get(0);
        // Kubernetes turns $$ into $ and leaves everything else alone: the program sees `tricky`
        assertEquals("$$(HOME) $$$$ '\"; rm -rf / `x`", main.getArgs().get(main.getArgs().indexOf("--count") + 1));
    }

    @Test
    void configFromTheEnvironmentNamesWhatIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KubernetesLauncherConfig.fromEnv(Map.of("RELAY_S3_ENDPOINT", "http://m:9000"), "ns"));
        assertTrue(e.getMessage().contains("RELAY_LAUNCHER_IMAGE"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KubernetesLauncherConfig.fromEnv(Map.of("RELAY_LAUNCHER_IMAGE", "i"), "ns"));
        assertTrue(e.getMessage().contains("RELAY_S3_ENDPOINT"), e.getMessage());
        KubernetesLauncherConfig c = KubernetesLauncherConfig.fromEnv(Map.of("RELAY_LAUNCHER_IMAGE", "i",
                "RELAY_S3_ENDPOINT", "http://m:9000", "RELAY_JOB_TIMEOUT", "2h"), "from-pod");
        assertEquals("from-pod", c.namespace());
        assertEquals(7200, c.defaultTimeoutSeconds());
        assertEquals("relay-secrets", c.secretName());
        e = assertThrows(IllegalArgumentException.class, () -> KubernetesLauncherConfig.fromEnv(Map.of("RELAY_LAUNCHER_IMAGE", "i",
                "RELAY_S3_ENDPOINT", "http://m:9000", "RELAY_JOB_TTL", "forever"), "ns"));
        assertTrue(e.getMessage().startsWith("RELAY_JOB_TTL"), e.getMessage());
    }

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no env " + name));
    }

    static PodPlan plan(Container c) {
        String json = env(c, "RELAY_POD_PLAN").getValue().replace("$$", "$");
        return Json.read(json.getBytes(StandardCharsets.UTF_8), PodPlan.class, "plan");
    }
}
