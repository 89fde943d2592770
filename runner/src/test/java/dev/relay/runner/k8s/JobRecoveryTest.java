package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.recovery.LaunchIntents;
import dev.relay.runner.recovery.Recovery;
import dev.relay.runner.recovery.RemoteExecutions;
import dev.relay.runner.recovery.Sweep;
import dev.relay.runner.run.RunController;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Crash recovery and cancel with Kubernetes Jobs (issue 18), on fabric8's mock API server (CRUD
 * mode): the sweep takes an attempt whose Job was deleted or vanished while it ran, and that wrote
 * no status, for {@code Lost} and retries it, while a Job that exists, a claim younger than the
 * grace and an API server that cannot be asked leave the attempt alone; a cancel deletes the run's
 * Jobs and the run ends {@code Canceled}.
 */
@EnableKubernetesMockClient(crud = true)
class JobRecoveryTest extends MockClusterTest {
    static KubernetesClient client;

    private AttemptStatus status(String runId, String task, int n) {
        String key = RunLayout.attemptStatus(runId, task, n);
        return store.get(key).map(b -> Json.read(b, AttemptStatus.class, key)).orElse(null);
    }

    @Test
    void anAttemptWhoseJobIsDeletedWhileItRunsIsLostAndRetried() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedWithRetries(dir.resolve("p1"), 1), Map.of("count", "5"));
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        RunController controller = K8sFixtures.controller(store, launcher);
        controller.start(runId);
        String gen1 = JobNames.jobName(runId, "gen", 1);
        assertNotNull(K8sFixtures.job(client, gen1), "gen's Job was created");
        assertEquals(LaunchIntents.KUBERNETES, new LaunchIntents(store, Clock.systemUTC()).read(runId, "gen", 1).orElseThrow().launcher());
        Recovery now = Recovery.of(store, null, controller::evaluate, Clock.systemUTC(), launcher);
        Recovery later = Recovery.of(store, null, controller::evaluate,
                Clock.offset(Clock.systemUTC(), Sweep.REMOTE_GRACE.plus(Duration.ofSeconds(5))), launcher);

        assertEquals(0, later.sweep().sweepRun(runId).lost(), "a running Job's attempt is live");
        client.batch().v1().jobs().inNamespace(K8sFixtures.NS).withName(gen1).delete();
        assertEquals(null, K8sFixtures.job(client, gen1));
        assertEquals(0, now.sweep().sweepRun(runId).lost(), "within the grace after its claim the Job may not be created yet");
        assertEquals(null, status(runId, "gen", 1));

        Sweep.Report report = later.sweep().sweepRun(runId);

        assertEquals(1, report.lost());
        AttemptStatus lost = status(runId, "gen", 1);
        assertEquals(ExecutionPhase.Failed, lost.phase());
        assertEquals(AttemptStatus.LOST, lost.reason());
        assertTrue(lost.message().contains("gone"), lost.message());
        assertNotNull(K8sFixtures.job(client, JobNames.jobName(runId, "gen", 2)), "gen is retried (maxRetries 1) as a new Job");
        assertEquals(0, later.sweep().sweepRun(runId).lost(), "the retry's Job exists");
    }

    @Test
    void aCancelDeletesTheRunsJobsAndTheRunEndsCanceled() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of("count", "5"));
        String other = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of("count", "5"));
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        RunController controller = K8sFixtures.controller(store, launcher);
        controller.start(runId);
        controller.start(other);
        assertNotNull(K8sFixtures.job(client, JobNames.jobName(runId, "gen", 1)));

        dev.relay.runner.run.RunCancel.Result r = new dev.relay.runner.run.RunCancel(store, launcher, Clock.systemUTC())
                .cancel(runId).orElseThrow();

        assertEquals(dev.relay.runner.run.RunCancel.Outcome.CANCELED, r.outcome());
        assertEquals(1, r.executionsEnded());
        assertEquals(null, K8sFixtures.job(client, JobNames.jobName(runId, "gen", 1)), "the run's Job is deleted");
        assertNotNull(K8sFixtures.job(client, JobNames.jobName(other, "gen", 1)), "another run's Job is left");
        assertEquals(dev.relay.runner.engine.Phase.Canceled,
                dev.relay.runner.run.RunView.load(store, runId).orElseThrow().phase());
        assertEquals(0, Recovery.of(store, null, controller::evaluate, Clock.offset(Clock.systemUTC(),
                Sweep.REMOTE_GRACE.plus(Duration.ofSeconds(5))), launcher).sweep().sweepRun(runId).runs(),
                "a canceled run is over: its deleted Job is not judged");
    }

    @Test
    void anApiServerThatCannotBeAskedLeavesTheAttemptAlone() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of("count", "5"));
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        RunController controller = K8sFixtures.controller(store, launcher);
        controller.start(runId);
        client.batch().v1().jobs().inNamespace(K8sFixtures.NS).withName(JobNames.jobName(runId, "gen", 1)).delete();
        RemoteExecutions down = new RemoteExecutions() {
            @Override
            public String kind() {
                return LaunchIntents.KUBERNETES;
            }

            @Override
            public boolean exists(String r, String task, int attempt) {
                throw new KubernetesJobLauncher.LaunchException("cannot read Job: connection refused", null);
            }
        };
        Clock later = Clock.offset(Clock.systemUTC(), Sweep.REMOTE_GRACE.plus(Duration.ofSeconds(5)));

        assertEquals(0, Recovery.of(store, null, controller::evaluate, later, down).sweep().sweepRun(runId).lost());
        assertEquals(0, Recovery.of(store, null, controller::evaluate, later).sweep().sweepRun(runId).lost(),
                "without a way to ask, a Job's attempt is left to its status handler");
        assertEquals(null, status(runId, "gen", 1));
        assertEquals(1, Recovery.of(store, null, controller::evaluate, later, launcher).sweep().sweepRun(runId).lost());
    }
}
