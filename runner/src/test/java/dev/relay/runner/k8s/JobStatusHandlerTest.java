package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.RunController;
import dev.relay.runner.contract.RunLayout;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code job-status}: failed Jobs without a status.json get one, with the reason docs/contracts.md maps them to. */
@EnableKubernetesMockClient(crud = true)
class JobStatusHandlerTest extends MockClusterTest {
    static KubernetesClient client;

    private KubernetesJobLauncher launcher() {
        return new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
    }

    private JobStatusHandler handler() {
        return new JobStatusHandler(client, store, Clock.systemUTC());
    }

    /** Launches gen of a new seed run and returns its Job as the API server has it. */
    private Job launchGen(Path pipeline) throws Exception {
        String runId = K8sFixtures.submit(store, pipeline, Map.of());
        KubernetesJobLauncher launcher = launcher();
        ExecutionRequest gen = K8sFixtures.controller(store, launcher).request(runId, "gen", 1);
        assertTrue(launcher.launch(gen));
        return K8sFixtures.job(client, JobNames.jobName(runId, "gen", 1));
    }

    /** Marks the Job Failed (as the Job controller would) and returns the Resource-mode event data. */
    private byte[] fail(Job job, String reason, String message) {
        JobCondition c = new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason).withMessage(message)
                .withLastTransitionTime("2026-11-29T10:16:00Z").build();
        Job failed = new JobBuilder(job).editOrNewStatus().withStartTime("2026-11-29T10:15:00Z").withFailed(1)
                .withConditions(c).endStatus().build();
        client.batch().v1().jobs().inNamespace(K8sFixtures.NS).resource(failed).updateStatus();
        Job stored = client.batch().v1().jobs().inNamespace(K8sFixtures.NS).withName(job.getMetadata().getName()).get();
        return client.getKubernetesSerialization().asJson(stored).getBytes(StandardCharsets.UTF_8);
    }

    private void pod(Job job, PodBuilder pod) {
        Pod p = pod.editOrNewMetadata().withName(job.getMetadata().getName() + "-x7k2p").withNamespace(K8sFixtures.NS)
                .addToLabels("job-name", job.getMetadata().getName()).endMetadata().build();
        client.pods().inNamespace(K8sFixtures.NS).resource(p).create();
        client.pods().inNamespace(K8sFixtures.NS).resource(p).updateStatus();
    }

    private static AttemptStatus status(Job job) {
        String key = RunLayout.attemptStatus(job.getMetadata().getAnnotations().get(JobNames.RUN), "gen", 1);
        return Json.read(store.get(key).orElseThrow(() -> new AssertionError("no " + key)), AttemptStatus.class, key);
    }

    @Test
    void aFailedJobWithoutStatusGetsAFailedStatusJson() throws Exception {
        Job job = launchGen(K8sFixtures.seedPipeline());
        pod(job, new PodBuilder().withNewStatus().withPhase("Failed").addNewContainerStatus().withName("main").withImage("python:3.11-slim")
                .withNewState().withNewTerminated().withExitCode(2).withReason("Error").endTerminated().endState().endContainerStatus().endStatus());
        JobStatusHandler.Result r = handler().handle(fail(job, "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        assertEquals(JobStatusHandler.Outcome.WRITTEN, r.outcome(), r.detail());
        AttemptStatus s = status(job);
        assertEquals(ExecutionPhase.Failed, s.phase());
        assertEquals(AttemptStatus.ERROR, s.reason());
        assertEquals(2, s.exitCode());
        assertEquals("2026-11-29T10:15:00.000Z", s.startedAt());
        assertEquals("2026-11-29T10:16:00.000Z", s.finishedAt());
        assertTrue(s.message().contains("backoff limit"), s.message());
        assertEquals(Map.of(), s.outputs());
        JobStatusHandler.Result again = handler().handle(Json.bytes(client.batch().v1().jobs().inNamespace(K8sFixtures.NS)
                .withName(job.getMetadata().getName()).get()));
        assertEquals(JobStatusHandler.Outcome.ALREADY_REPORTED, again.outcome(), "never overwritten");
    }

    @Test
    void oomKilledDeadlineAndImagePullMapToTheirReasons() throws Exception {
        Job oom = launchGen(K8sFixtures.seedPipeline());
        pod(oom, new PodBuilder().withNewStatus().withPhase("Failed").addNewContainerStatus().withName("main")
                .withNewState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endState().endContainerStatus().endStatus());
        handler().handle(fail(oom, "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        assertEquals(AttemptStatus.OOM_KILLED, status(oom).reason());
        assertEquals(137, status(oom).exitCode());

        Job slow = launchGen(K8sFixtures.seedPipeline());
        pod(slow, new PodBuilder().withNewStatus().withPhase("Failed").addNewContainerStatus().withName("main")
                .withNewState().withNewTerminated().withExitCode(143).withReason("Error").endTerminated().endState().endContainerStatus().endStatus());
        handler().handle(fail(slow, "DeadlineExceeded", "Job was active longer than specified deadline"));
        assertEquals(AttemptStatus.DEADLINE_EXCEEDED, status(slow).reason());

        Job pull = launchGen(K8sFixtures.seedPipeline());
        pod(pull, new PodBuilder().withNewStatus().withPhase("Pending").addNewContainerStatus().withName("main").withImage("nosuch/image:1")
                .withNewState().withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image \"nosuch/image:1\"")
                .endWaiting().endState().endContainerStatus().endStatus());
        handler().handle(fail(pull, "DeadlineExceeded", "Job was active longer than specified deadline"));
        assertEquals(AttemptStatus.LAUNCH_FAILED, status(pull).reason());
        assertTrue(status(pull).message().contains("nosuch/image:1"), status(pull).message());

        Job unscheduled = launchGen(K8sFixtures.seedPipeline());
        pod(unscheduled, new PodBuilder().withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition().endStatus());
        handler().handle(fail(unscheduled, "DeadlineExceeded", "Job was active longer than specified deadline"));
        assertEquals(AttemptStatus.LAUNCH_FAILED, status(unscheduled).reason());
        assertTrue(status(unscheduled).message().contains("Insufficient memory"), status(unscheduled).message());
    }

    @Test
    void anEvictedPodLeadsToAttempt2ThroughTheEngine() throws Exception {
        Path pipeline = K8sFixtures.seedWithRetries(dir.resolve("retries"), 1);
        String runId = K8sFixtures.submit(store, pipeline, Map.of());
        KubernetesJobLauncher launcher = launcher();
        RunController controller = K8sFixtures.controller(store, launcher);
        controller.start(runId);
        Job first = K8sFixtures.job(client, JobNames.jobName(runId, "gen", 1));
        assertNotNull(first, "the run's start launched gen");
        pod(first, new PodBuilder().withNewStatus().withPhase("Failed").withReason("Evicted")
                .withMessage("The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi.").endStatus());
        JobStatusHandler.Result r = handler().handle(fail(first, "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        assertEquals(JobStatusHandler.Outcome.WRITTEN, r.outcome());
        assertEquals(AttemptStatus.EVICTED, status(first).reason());
        assertTrue(status(first).message().contains("low on resource"), status(first).message());

        // the status.json's notification reaches the artifact function: the engine retries
        K8sFixtures.controller(store, launcher).advance(runId, "gen");
        Job second = K8sFixtures.job(client, JobNames.jobName(runId, "gen", 2));
        assertNotNull(second, "attempt 2 was launched");
        assertEquals("2", second.getMetadata().getLabels().get(JobNames.ATTEMPT));
        assertNull(K8sFixtures.job(client, JobNames.jobName(runId, "sum", 1)), "nothing downstream yet");
    }

    @Test
    void referenceModeReadsTheJob() throws Exception {
        Job job = launchGen(K8sFixtures.seedPipeline());
        fail(job, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        String ref = "{\"kind\":\"Job\",\"namespace\":\"relay\",\"name\":\"" + job.getMetadata().getName() + "\",\"apiVersion\":\"batch/v1\"}";
        JobStatusHandler.Result r = handler().handle(ref.getBytes(StandardCharsets.UTF_8));
        assertEquals(JobStatusHandler.Outcome.WRITTEN, r.outcome(), r.detail());
        assertEquals(AttemptStatus.ERROR, status(job).reason(), "no pod: the condition alone");
        String gone = "{\"kind\":\"Job\",\"namespace\":\"relay\",\"name\":\"gone\",\"apiVersion\":\"batch/v1\"}";
        assertEquals(JobStatusHandler.Outcome.IGNORED, handler().handle(gone.getBytes(StandardCharsets.UTF_8)).outcome());
    }

    @Test
    void runningCompleteAndForeignJobsAreLeftAlone() throws Exception {
        Job job = launchGen(K8sFixtures.seedPipeline());
        assertEquals(JobStatusHandler.Outcome.NOT_FAILED, handler().handle(Json.bytes(job)).outcome());
        assertTrue(store.stat(RunLayout.attemptStatus(job.getMetadata().getAnnotations().get(JobNames.RUN), "gen", 1)).isEmpty());
        Job foreign = new JobBuilder().withNewMetadata().withName("other").withNamespace("relay").endMetadata()
                .withNewStatus().addNewCondition().withType("Failed").withStatus("True").endCondition().endStatus().build();
        foreign.setApiVersion("batch/v1");
        foreign.setKind("Job");
        assertEquals(JobStatusHandler.Outcome.IGNORED, handler().handle(Json.bytes(foreign)).outcome());
    }

    @Test
    void badDataIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> handler().handle("not json".getBytes()));
        assertTrue(e.getMessage().startsWith("the event data is not JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> handler().handle("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\"}".getBytes()));
        assertTrue(e.getMessage().contains("v1 Pod, not a batch/v1 Job"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> handler().handle("{\"kind\":\"Job\",\"apiVersion\":\"batch/v1\"}".getBytes()));
        assertTrue(e.getMessage().contains("namespace and name"), e.getMessage());
    }

    @Test
    void sharedApiServerSourcePayloads() throws Exception {
        Optional<Path> shared = K8sFixtures.shared();
        assumeTrue(shared.isPresent(), "../shared is absent: skipping the shared ApiServerSource payloads (own fixtures cover the behaviour)");
        Path cases = shared.get().resolve("cases/event_payloads");
        String http = Files.readString(cases.resolve("knative_apiserversource_job_complete_binary_mode.derived.http"));
        String body = http.substring(http.indexOf("\r\n\r\n") + 4);
        JobStatusHandler.Result r = handler().handle(body.getBytes(StandardCharsets.UTF_8));
        assertEquals(JobStatusHandler.Outcome.IGNORED, r.outcome(), "a KFP Job, not Relay's: " + r.detail());
        String structured = Files.readString(cases.resolve("knative_apiserversource_job_ref_mode_structured.derived.json"));
        byte[] data = Json.MAPPER.readTree(structured).get("data").toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(JobStatusHandler.Outcome.IGNORED, handler().handle(data).outcome(), "the Job is not in this cluster");
    }

    static List<String> names(List<Job> jobs) {
        return jobs.stream().map(j -> j.getMetadata().getName()).toList();
    }
}
