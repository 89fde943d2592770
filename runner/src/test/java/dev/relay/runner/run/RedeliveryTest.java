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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        RunService.Prepared prepared = RunService.prepare(
                Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/random-sum/pipeline.yaml"));
        Replayed r = replay(prepared, Map.of("count", "5"), null);
        assertEquals(Map.of(r.runId + "/gen/1", 1, r.runId + "/sum/1", 1, r.runId + "/print/1", 1), r.counts);
        assertEquals(Phase.Succeeded, r.status.phase());
    }

    /**
     * KFP v2 loops (parallelism 1, fan-in) and conditions, every notification delivered twice in a
     * shuffled order to fresh controllers: each iteration and branch task runs once, the skipped
     * branch never, and the run's tree is the same as when events come in order.
     */
    @Test
    void shuffledDuplicatedNotificationsOfLoopsAndConditionsLaunchEachTaskOnce() throws Exception {
        Path fixtures = Path.of("src/test/resources").toAbsolutePath();
        RunService.Prepared condition = RunService.prepare(fixtures.resolve("v2/condition.yaml"));
        for (long seed = 1; seed <= 2; seed++) {
            Replayed r = replay(condition, Map.of("side", "heads"), new Random(seed));
            assertEquals(Map.of(r.runId + "/flip-coin/1", 1, r.runId + "/condition-branches-1/condition-2/print-heads/1", 1,
                    r.runId + "/print-result/1", 1), r.counts, "seed " + seed);
            assertEquals(Phase.Succeeded, r.status.phase());
            assertEquals(Phase.Skipped, r.status.tasks().get("condition-branches-1/condition-3"));
        }
        RunService.Prepared loops = RunService.prepare(fixtures.resolve("v2run/loops.yaml"));
        Path lock = Files.createDirectories(dir.resolve("lock"));
        Replayed r = replay(loops, Map.of("lockdir", lock.toString()), new Random(7));
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            expected.put(r.runId + "/for-loop-1/" + i + "/exclusive/1", 1);
            expected.put(r.runId + "/for-loop-2/" + i + "/sleepy/1", 1);
        }
        expected.put(r.runId + "/collect-1/1", 1);
        expected.put(r.runId + "/collect-2/1", 1);
        assertEquals(expected, r.counts);
        assertEquals(Phase.Succeeded, r.status.phase(), r.status.toString());
    }

    private record Replayed(String runId, Map<String, Integer> counts, RunStatus status) {}

    /**
     * Runs a pipeline with every notification delivered twice to fresh controllers: each batch in
     * reverse order ({@code random} null) or shuffled; then the whole history once more, reversed.
     */
    private Replayed replay(RunService.Prepared prepared, Map<String, String> params, Random random) throws Exception {
        LinkedBlockingQueue<byte[]> notifications = new LinkedBlockingQueue<>();
        Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
        LaunchListener counting = new LaunchListener() {
            @Override
            public void started(ExecutionRequest r) {
                starts.computeIfAbsent(r.executionId(), k -> new AtomicInteger()).incrementAndGet();
            }
        };
        Clock clock = Clock.systemUTC();
        Path base = Files.createTempDirectory(dir, "replay");
        try (EmbeddedS3Server server = EmbeddedS3Server.start(base.resolve("s3"), "127.0.0.1", 0, "minio", "minio123", notifications::add);
             LocalLauncher launcher = new LocalLauncher(server.store("mlpipeline").ensureBucket(), base.resolve("work"), counting, 2, clock)) {
            MinioArtifactStore store = server.store("mlpipeline");
            RunService runs = new RunService(store, clock);
            String runId = runs.newRunId();
            runs.submit(runId, prepared, params, RunDoc.Cause.cli());

            List<byte[]> history = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
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
                if (random == null) {
                    Collections.reverse(batch);
                } else {
                    Collections.shuffle(batch, random);
                }
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
            RunStatus status = Json.read(store.get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "status");
            assertEquals(statusEtag, store.stat(RunLayout.runStatus(runId)).orElseThrow().eTag(), "the run status is written once");
            assertTrue(notifications.isEmpty() || notifications.stream().noneMatch(n -> new String(n).contains("attempts")),
                    "redelivery wrote no new attempt");
            return new Replayed(runId, counts, status);
        }
    }

    private static void deliverToFreshController(byte[] notification, MinioArtifactStore store, LocalLauncher launcher, Clock clock) {
        RunController fresh = new RunController(store, launcher, clock);
        for (CloudEvent ce : S3CloudEvents.toCloudEvents(notification)) {
            fresh.onObject(S3CloudEvents.toRecord(ce));
        }
    }
}
