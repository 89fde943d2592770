package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.recovery.LaunchIntents;
import dev.relay.runner.store.InMemoryArtifactStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A cancel racing a launch ({@code docs/contracts.md}, "generations"): the controller decided to launch
 * an attempt in generation 1, then a cancel started generation 2, wrote {@code Canceled} and ended the
 * run's executions, and only then did the launch go on. Before, the execution started after the
 * cancel had ended the run's executions and kept running under the canceled run. Each interleaving is
 * forced without threads: the cancel runs inside the launch's own step (the launcher's
 * {@code launch}, the store's write of the attempt's claim), as a launcher or store blocked there
 * until the cancel was written would let it.
 */
class RunControllerCancelRaceTest {
    static final String PIPELINE = """
            name: one
            implementation:
              graph:
                tasks:
                  a:
                    componentRef: {spec: {name: a, implementation: {container: {image: x, command: [a]}}}}
            """;

    /** Executions run until {@link #cancel} ends them; {@link #beforeStart} runs inside {@link #launch}, before the start. */
    static final class HeldLauncher implements Launcher {
        final Set<String> running = ConcurrentHashMap.newKeySet();
        final List<String> launched = new CopyOnWriteArrayList<>();
        final List<String> ended = new CopyOnWriteArrayList<>();
        Runnable beforeStart = () -> { };

        @Override
        public boolean launch(ExecutionRequest r) {
            beforeStart.run();
            launched.add(r.executionId());
            running.add(r.executionId());
            return true;
        }

        @Override
        public int cancel(String runId) {
            int n = 0;
            for (String id : running) {
                if (id.startsWith(runId + "/") && running.remove(id)) {
                    ended.add(id);
                    n++;
                }
            }
            return n;
        }
    }

    private static String submit(InMemoryArtifactStore store) throws Exception {
        RunService runs = new RunService(store, Clock.systemUTC());
        String runId = runs.newRunId();
        runs.submit(runId, RunService.prepare(PIPELINE, "one"), Map.of(), RunDoc.Cause.cli());
        return runId;
    }

    @Test
    void anExecutionStartedAfterTheCancelEndedTheRunsExecutionsIsEnded() throws Exception {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        HeldLauncher launcher = new HeldLauncher();
        RunController controller = new RunController(store, launcher, Clock.systemUTC());
        String runId = submit(store);
        RunCancel.Result[] cancel = new RunCancel.Result[1];
        // the launcher holds the launch until the cancel is written, then starts the execution
        launcher.beforeStart = () -> cancel[0] = new RunCancel(store, launcher, Clock.systemUTC()).cancel(runId).orElseThrow();

        controller.start(runId);

        assertEquals(RunCancel.Outcome.CANCELED, cancel[0].outcome());
        assertEquals(0, cancel[0].executionsEnded(), "nothing ran yet when the cancel ended the run's executions");
        assertEquals(List.of(runId + "/a/1"), launcher.launched, "the launch went on after the cancel");
        assertEquals(Set.of(), launcher.running, "no execution keeps running under the canceled run");
        assertEquals(List.of(runId + "/a/1"), launcher.ended);
        assertEquals(Phase.Canceled, RunView.load(store, runId).orElseThrow().phase());

        controller.evaluate(runId); // a late event or a sweep
        assertEquals(1, launcher.launched.size(), "nothing launched in the canceled run");
    }

    @Test
    void aLaunchDecidedBeforeTheCancelStartsNothingAfterIt() throws Exception {
        HeldLauncher launcher = new HeldLauncher();
        String[] runId = new String[1];
        RunCancel.Result[] cancel = new RunCancel.Result[1];
        // the store holds the attempt's claim (launched.json, written once the launch is decided) until the cancel is written
        InMemoryArtifactStore store = new InMemoryArtifactStore() {
            @Override
            public boolean putIfAbsent(String key, byte[] data) {
                if (key.endsWith("/" + LaunchIntents.FILE) && cancel[0] == null) {
                    cancel[0] = new RunCancel(this, launcher, Clock.systemUTC()).cancel(runId[0]).orElseThrow();
                }
                return super.putIfAbsent(key, data);
            }
        };
        RunController controller = new RunController(store, launcher, Clock.systemUTC());
        runId[0] = submit(store);

        controller.start(runId[0]);

        assertEquals(RunCancel.Outcome.CANCELED, cancel[0].outcome());
        assertEquals(List.of(), launcher.launched, "the launch saw the cancel's generation: nothing started");
        assertFalse(store.exists(LaunchIntents.key(runId[0], "a", 1)), "its claim was given back");
        assertTrue(store.exists(Generations.markerKey(runId[0], 2)));
        assertEquals(Phase.Canceled, RunView.load(store, runId[0]).orElseThrow().phase());
        controller.evaluate(runId[0]);
        assertEquals(List.of(), launcher.launched);
    }
}
