package dev.relay.runner.run;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.RunDoc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import io.cloudevents.CloudEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notification of a run delivered twice, each batch in reverse order, each delivery to a
 * fresh controller (as if another function instance got it): every task still runs exactly once
 * and the run ends once.
 */
class RedeliveryTest {
    @TempDir Path dir;

    @Test
    void duplicatedAndReversedNotificationsLaunchEachTaskOnce() throws Exception {
        LinkedBlockingQueue<byte[]> notifications = new LinkedBlockingQueue<>();
        Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
        LaunchListener counting = new LaunchListener() {
            @Override
            public void started(ExecutionRequest r) {
                starts.computeIfAbsent(r.executionId(), k -> new AtomicInteger()).incrementAndGet();
            }
        };
        Clock clock = Clock.systemUTC();
        try (EmbeddedS3Server server = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, "minio", "minio123", notifications::add);
             LocalLauncher launcher = new LocalLauncher(server.store("mlpipeline").ensureBucket(), dir.resolve("work"), counting, 2, clock)) {
            MinioArtifactStore store = server.store("mlpipeline");
            RunService runs = new RunService(store, clock);
            RunService.Prepared prepared = RunService.prepare(
                    Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/random-sum/pipeline.yaml"));
            String runId = runs.newRunId();
            runs.submit(runId, prepared, Map.of("count", "5"), RunDoc.Cause.cli());

            List<byte[]> history = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                List<byte[]> batch = new ArrayList<>();
                byte[] first = notifications.poll(300, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (store.stat(RunLayout.runStatus(runId)).isPresent()) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                notifications.drainTo(batch);
                Collections.reverse(batch);
                for (byte[] n : batch) {
                    deliverToFreshController(n, store, launcher, clock);
                    deliverToFreshController(n, store, launcher, clock);
                }
                history.addAll(batch);
            }
            String statusEtag = store.stat(RunLayout.runStatus(runId)).orElseThrow().eTag();
            List<byte[]> all = new ArrayList<>(history);
            Collections.reverse(all);
            for (byte[] n : all) {
                deliverToFreshController(n, store, launcher, clock);
            }
            Thread.sleep(300);

            Map<String, Integer> counts = new TreeMap<>();
            starts.forEach((k, v) -> counts.put(k, v.get()));
            assertEquals(Map.of(runId + "/gen/1", 1, runId + "/sum/1", 1, runId + "/print/1", 1), counts);
            RunStatus status = Json.read(store.get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "status");
            assertEquals(Phase.Succeeded, status.phase());
            assertEquals(statusEtag, store.stat(RunLayout.runStatus(runId)).orElseThrow().eTag(), "the run status is written once");
            assertTrue(notifications.isEmpty() || notifications.stream().noneMatch(n -> new String(n).contains("attempts")),
                    "redelivery wrote no new attempt");
        }
    }

    private static void deliverToFreshController(byte[] notification, MinioArtifactStore store, LocalLauncher launcher, Clock clock) {
        RunController fresh = new RunController(store, launcher, clock);
        for (CloudEvent ce : S3CloudEvents.toCloudEvents(notification)) {
            fresh.onObject(S3CloudEvents.toRecord(ce));
        }
    }
}
