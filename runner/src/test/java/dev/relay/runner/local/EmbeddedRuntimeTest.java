package dev.relay.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.run.RunService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded runtime on its own: a run driven only by the store's notifications through the
 * one object-event handler, to its {@code status.json}; what its observers (the index hook) see;
 * a malformed notification changes nothing.
 */
class EmbeddedRuntimeTest {
    static final Path PIPELINE = Path.of("src/test/resources/pipelines/fail-then-skip.yaml").toAbsolutePath();

    @TempDir Path state;

    @Test
    void aRunAdvancesOnNotificationsAloneToItsStatus() throws Exception {
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            LinkedBlockingQueue<String> ends = new LinkedBlockingQueue<>();
            rt.addObserver(r -> seen.add(r.key()));
            rt.addObserver((S3Record r) -> RunLayout.parse(r.key())
                    .filter(k -> k.kind() == RunLayout.Kind.RUN_STATUS).ifPresent(k -> ends.add(k.runId())));
            // a notification that is not one is dropped, and the queue goes on
            rt.inject("not json".getBytes(StandardCharsets.UTF_8));

            String runId = rt.runs().newRunId();
            rt.runs().submit(runId, RunService.prepare(PIPELINE), Map.of(), RunDoc.Cause.cli());
            assertEquals(runId, ends.poll(60, TimeUnit.SECONDS), "the run ends within 60 s");

            RunStatus s = Json.read(rt.store().get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "status");
            assertEquals(Phase.Failed, s.phase());
            assertEquals(Map.of("breaks", Phase.Failed, "after", Phase.Skipped, "side", Phase.Succeeded), s.tasks());


            // observers are the handler's index hook: the run's documents, after the engine acted; no logs or outputs
            assertTrue(seen.contains(RunLayout.runJson(runId)), seen.toString());
            assertTrue(seen.contains(RunLayout.attemptStatus(runId, "breaks", 1)), seen.toString());
            assertTrue(seen.contains(RunLayout.attemptStatus(runId, "side", 1)), seen.toString());
            assertTrue(seen.contains(RunLayout.runStatus(runId)), seen.toString());
            assertFalse(seen.contains(RunLayout.attemptLog(runId, "side", 1)), seen.toString());
            assertTrue(Files.isDirectory(state.resolve("s3")), "the bucket is files under the state dir");
        }
    }
}
