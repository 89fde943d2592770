package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.recovery.LaunchIntents;
import dev.relay.runner.store.InMemoryArtifactStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A launch that throws (the launcher, the cache or the store failed) is tried again by the next
 * evaluation: before, its entry in the controller's launch dedupe and its claim in the bucket
 * stayed, so no event or sweep launched the attempt again and the run hung.
 */
class RunControllerLaunchFailureTest {
    static final String PIPELINE = """
            name: two
            implementation:
              graph:
                tasks:
                  a:
                    componentRef: {spec: {name: a, implementation: {container: {image: x, command: [a]}}}}
                  b:
                    componentRef: {spec: {name: b, implementation: {container: {image: x, command: [b]}}}}
            """;

    @Test
    void aLaunchThatThrewIsLaunchedByTheNextEvaluationAndTheRunFinishes() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        List<String> calls = new CopyOnWriteArrayList<>();
        List<String> started = new CopyOnWriteArrayList<>();
        Launcher launcher = (ExecutionRequest r) -> {
            calls.add(r.task());
            if (r.task().equals("a") && calls.stream().filter("a"::equals).count() == 1) {
                throw new IllegalStateException("the launcher is unavailable");
            }
            started.add(r.task() + "/" + r.attempt());
            return true;
        };
        RunController controller = new RunController(store, launcher, Clock.systemUTC());
        RunService runs = new RunService(store, Clock.systemUTC());
        String runId = runs.newRunId();
        runs.submit(runId, RunService.prepare(PIPELINE, "two"), Map.of(), RunDoc.Cause.cli());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> controller.start(runId));
        assertEquals("the launcher is unavailable", e.getMessage());
        assertTrue(calls.contains("a"));
        assertFalse(store.exists(LaunchIntents.key(runId, "a", 1)), "the failed launch gave its claim back");

        controller.evaluate(runId); // the next evaluation: a sweep (or the event's redelivery)
        assertEquals(List.of("a/1", "b/1"), started.stream().sorted().toList(), "a launched now, once; b once");
        assertTrue(store.exists(LaunchIntents.key(runId, "a", 1)));

        controller.evaluate(runId); // a later sweep launches nothing more
        assertEquals(2, started.size(), started.toString());

        for (String task : List.of("a", "b")) {
            store.put(RunLayout.attemptStatus(runId, task, 1), Json.bytes(new AttemptStatus(runId, task, 1,
                    ExecutionPhase.Succeeded, 0, null, null, null, null, Map.of())));
            controller.advance(runId, task);
        }
        RunStatus status = Json.read(store.get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "status");
        assertEquals(Phase.Succeeded, status.phase());
        assertEquals(Map.of("a", Phase.Succeeded, "b", Phase.Succeeded), status.tasks());
    }
}
