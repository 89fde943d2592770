package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.run.RunController;
import dev.relay.runner.run.RunLogs;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A task's log live while its Job runs, from its pod's log through fabric8 ({@link PodLogs} behind
 * {@link RunLogs}, as the KFP API's logs endpoint reads it in the cluster), then from the store's
 * {@code log.txt} once the attempt ended; on fabric8's mock API server (pods as the Job controller
 * would make them from the launcher's own Job template, their logs as the kubelet would serve them).
 */
@EnableKubernetesMockClient(crud = true)
class PodLogsTest extends MockClusterTest {
    static KubernetesClient client;
    static KubernetesMockServer server;
    static final int CHUNK = 1 << 20;

    /** The pod the Job controller makes for {@code job}: the template's labels, a generated name. */
    private static Pod podOf(Job job, String suffix, String phase) {
        return client.pods().inNamespace(K8sFixtures.NS).resource(new PodBuilder()
                .withNewMetadata().withName(job.getMetadata().getName() + "-" + suffix)
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec()).withNewStatus().withPhase(phase).endStatus().build()).create();
    }

    private static String logPath(Pod pod, long limit) {
        return "/api/v1/namespaces/" + K8sFixtures.NS + "/pods/" + pod.getMetadata().getName()
                + "/log?pretty=false&container=" + KubernetesJobLauncher.MAIN + "&limitBytes=" + limit;
    }

    @Test
    void aRunningJobsLogIsReadFromItsPodThenFromTheStore() throws Exception {
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of("count", "5"));
        KubernetesJobLauncher launcher = new KubernetesJobLauncher(client, K8sFixtures.config(), store, Clock.systemUTC());
        RunController controller = K8sFixtures.controller(store, launcher);
        RunLogs logs = new RunLogs(store, launcher.liveLog());

        RunLogs.Chunk before = logs.read(runId, "gen", 0);
        assertEquals(new RunLogs.Chunk("", 0, true, 0), before, "not launched: no pod, nothing stored");

        assertTrue(launcher.launch(controller.request(runId, "gen", 1)));
        Job job = K8sFixtures.job(client, JobNames.jobName(runId, "gen", 1));
        // a first pod that failed and the Job replaced, and the one running now: the running one is read
        Pod old = podOf(job, "aaaaa", "Failed");
        Pod pod = podOf(job, "bbbbb", "Running");
        server.expect().get().withPath(logPath(old, CHUNK)).andReturn(200, "the replaced pod\n").always();
        server.expect().get().withPath(logPath(pod, CHUNK)).andReturn(200, "generating 5\n").once();
        server.expect().get().withPath(logPath(pod, CHUNK)).andReturn(200, "generating 5\n1 2 3\n").once();
        server.expect().get().withPath(logPath(pod, 13 + CHUNK)).andReturn(200, "generating 5\n1 2 3\n4 5\n").once();

        RunLogs.Chunk first = logs.read(runId, "gen", 0);
        assertEquals(new RunLogs.Chunk("generating 5\n", 13, true, 1), first);
        RunLogs.Chunk grown = logs.read(runId, "gen", 0);
        assertEquals("generating 5\n1 2 3\n", grown.text());
        RunLogs.Chunk next = logs.read(runId, "gen", first.nextOffset());
        assertEquals(new RunLogs.Chunk("1 2 3\n4 5\n", 23, true, 1), next, "from the offset asked");

        // the container not started yet: the API server refuses its log; no bytes yet, still live
        server.expect().get().withPath(logPath(pod, 23 + CHUNK)).andReturn(400,
                "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"container \\\"main\\\" is waiting to start\",\"code\":400}").once();
        assertEquals(new RunLogs.Chunk("", 23, true, 1), logs.read(runId, "gen", 23));

        // the attempt ended: its log.txt and status.json are the record, the pod is not asked again
        store.put(RunLayout.attemptLog(runId, "gen", 1), "generating 5\n1 2 3\n4 5\ndone\n".getBytes(StandardCharsets.UTF_8));
        store.put(RunLayout.attemptStatus(runId, "gen", 1), ("{\"runId\": \"" + runId + "\", \"task\": \"gen\", \"attempt\": 1,"
                + " \"phase\": \"Succeeded\", \"startedAt\": \"2026-12-02T06:00:05.000Z\", \"finishedAt\": \"2026-12-02T06:00:09.000Z\","
                + " \"outputs\": {}}").getBytes(StandardCharsets.UTF_8));
        RunLogs.Chunk stored = logs.read(runId, "gen", 23);
        assertEquals(new RunLogs.Chunk("done\n", 28, false, 1), stored);
        assertFalse(stored.live());
    }

    @Test
    void anAttemptWithoutAPodIsNotLiveHere() {
        PodLogs pods = new PodLogs(client, K8sFixtures.NS);
        assertTrue(pods.read("r-20261202-060000-abcdef", "gen", 1, 0, CHUNK).isEmpty());
    }
}
