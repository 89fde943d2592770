package dev.relay.runner.k8s;

import dev.relay.runner.launch.LiveLog;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A running attempt's live log in the cluster: the log of the user's container
 * ({@link KubernetesJobLauncher#MAIN}) of the pod of its Job, found by the execution's labels
 * ({@code relay.dev/run}, {@code relay.dev/task}, {@code relay.dev/attempt}; when the Job made
 * several, one not yet Succeeded or Failed, else the newest), read through the API server ({@code GET .../pods/NAME/log?container=main
 * &limitBytes=N}: the log from its start, of which the bytes from the offset are returned). A pod
 * whose container has not started yet (the API server refuses its log) gives no bytes yet. The
 * attempt's {@code log.txt} in the store stays the record once it is written.
 */
public final class PodLogs implements LiveLog {
    private final KubernetesClient client;
    private final String namespace;

    /** @param namespace where the launcher creates the Jobs ({@link KubernetesLauncherConfig#namespace()}) */
    public PodLogs(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /**
     * @return empty when no pod of the execution exists (not launched, or the Job was removed)
     * @throws KubernetesClientException when the API server cannot list the pods
     */
    @Override
    public Optional<Piece> read(String runId, String task, int attempt, long offset, int max) {
        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(JobNames.RUN, JobNames.labelValue(runId))
                .withLabel(JobNames.TASK, JobNames.labelValue(task)).withLabel(JobNames.ATTEMPT, Integer.toString(attempt))
                .list().getItems();
        // a pod still running before one that ended (a Job that made another), then the newest
        Optional<Pod> newest = pods.stream().max(Comparator.<Pod, Boolean>comparing(PodLogs::running)
                .thenComparing(p -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")));
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        long from = Math.max(0, offset);
        String text;
        try {
            text = client.pods().inNamespace(namespace).withName(newest.get().getMetadata().getName())
                    .inContainer(KubernetesJobLauncher.MAIN).limitBytes((int) Math.min(Integer.MAX_VALUE, from + max)).getLog();
        } catch (KubernetesClientException e) {
            return Optional.of(new Piece(new byte[0], from)); // e.g. 400 "waiting to start": no bytes yet
        }
        byte[] all = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
        int start = (int) Math.min(from, all.length);
        int end = (int) Math.min(all.length, start + (long) max);
        byte[] b = java.util.Arrays.copyOfRange(all, start, end);
        return Optional.of(new Piece(b, start + b.length));
    }

    private static boolean running(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }
}
