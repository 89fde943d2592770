package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.relay.runner.store.InMemoryArtifactStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The controller's caches stay bounded: a failed task with four or more children leaves the
 * prefetched absences of its children behind (they are never asked about once the run fails),
 * which used to pile up in an unbounded map, one entry per child per such run.
 */
class RunControllerCacheTest {
    static final String FAN_OUT = """
            name: fan-out
            implementation:
              graph:
                tasks:
                  a:
                    componentRef: {spec: {name: a, outputs: [{name: out}], implementation: {container: {image: x, command: [a, {outputPath: out}]}}}}
            %s
            """;

    static String pipeline(int children) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= children; i++) {
            b.append("      b").append(i).append(":\n")
                    .append("        componentRef: {spec: {name: b, inputs: [{name: in}], implementation: {container: {image: x, command: [b, {inputPath: in}]}}}}\n")
                    .append("        arguments: {in: {taskOutput: {taskId: a, outputName: out}}}\n");
        }
        return FAN_OUT.formatted(b.toString().stripTrailing());
    }

    @Test
    void absencesOfAFailedFanOutStayBounded() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        List<String> launched = new CopyOnWriteArrayList<>();
        Launcher launcher = (ExecutionRequest r) -> launched.add(r.task());
        int max = 8;
        RunController controller = new RunController(store, launcher, Clock.systemUTC(), 4, max);
        RunService runs = new RunService(store, Clock.systemUTC());
        RunService.Prepared prepared = RunService.prepare(pipeline(5), "fan-out");
        for (int i = 0; i < 6; i++) {
            String runId = runs.newRunId();
            runs.submit(runId, prepared, Map.of(), RunDoc.Cause.cli());
            controller.start(runId);
            store.put(RunLayout.attemptStatus(runId, "a", 1), Json.bytes(new AttemptStatus(runId, "a", 1,
                    ExecutionPhase.Failed, 1, AttemptStatus.ERROR, "exit 1", null, null, Map.of())));
            controller.advance(runId, "a");
            RunStatus status = Json.read(store.get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "status");
            assertEquals(Phase.Failed, status.phase(), "run " + i);
        }
        assertEquals(List.of("a", "a", "a", "a", "a", "a"), launched, "no child of a failed task starts");
        Map<String, Integer> sizes = controller.cacheSizes();
        sizes.forEach((name, size) -> assertTrue(size <= (name.equals("runs") ? 4 : max), name + ": " + sizes));
    }
}
