package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.ObjectInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel starts the run's next generation and ends it {@code Canceled} ({@code docs/contracts.md}),
 * with one outcome per generation: also when the run ends as the cancel comes, when the canceler dies
 * between starting its generation and writing its status, and on a state dir where a cancel ended
 * the current generation itself (as before cancels had their own generation).
 */
class RunCancelTest {
    @TempDir Path tmp;
    EmbeddedRuntime rt;
    String runId;

    /** A run of gate.yaml, submitted with notifications off: generation 1, nothing launched yet. */
    @BeforeEach
    void submit() throws Exception {
        rt = EmbeddedRuntime.start(tmp.resolve("state"), 0, LaunchListener.NONE, envelope -> { });
        Path dir = Files.createDirectories(tmp.resolve("w"));
        runId = rt.runs().newRunId();
        rt.runs().submit(runId, RunService.prepare(Path.of("src/test/resources/recovery/gate.yaml").toAbsolutePath()),
                Map.of("dir", dir.toString()), RunDoc.Cause.cli());
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    private Optional<RunStatus> status(int generation) {
        String key = Generations.statusKey(runId, generation);
        return rt.store().get(key).map(b -> Json.read(b, RunStatus.class, key));
    }

    private Generations.Generation marker(int generation) {
        String key = Generations.markerKey(runId, generation);
        return Json.read(rt.store().get(key).orElseThrow(() -> new AssertionError("missing " + key)),
                Generations.Generation.class, key);
    }

    private boolean anyLaunch() {
        return rt.store().list(RunLayout.tasksPrefix(runId), true).stream().anyMatch(k -> k.endsWith("/launched.json"));
    }

    @Test
    void aCancelStartsAGenerationThatEndsCanceledAndLaunchesNothing() {
        RunCancel.Result r = new RunCancel(rt.store(), null, Clock.systemUTC()).cancel(runId).orElseThrow();

        assertEquals(RunCancel.Outcome.CANCELED, r.outcome());
        assertEquals(Phase.Canceled, r.phase());
        Generations.Generation g = marker(2);
        assertEquals(Generations.CANCEL, g.cause());
        assertTrue(g.isCancel());
        assertEquals(Phase.Canceled, status(2).orElseThrow().phase());
        assertEquals(Phase.Canceled, status(2).orElseThrow().tasks().get("a"), "unfinished tasks are Canceled");
        assertTrue(status(1).isEmpty(), "the canceled generation keeps no status of its own: the cancel's generation ended the run");
        assertEquals(Phase.Canceled, RunView.load(rt.store(), runId).orElseThrow().phase());

        rt.controller().evaluate(runId);  // a late event of the run
        assertFalse(anyLaunch(), "nothing is launched once the run is canceled");
        assertTrue(status(1).isEmpty());

        RunCancel.Result again = new RunCancel(rt.store(), null, Clock.systemUTC()).cancel(runId).orElseThrow();
        assertEquals(RunCancel.Outcome.ALREADY_FINISHED, again.outcome());
        assertTrue(rt.store().stat(Generations.markerKey(runId, 3)).isEmpty(), "a second cancel starts nothing");
    }

    @Test
    void aRunThatEndsAsTheCancelComesKeepsItsOutcome() {
        RunStatus succeeded = new RunStatus(runId, Phase.Succeeded, "2026-12-02T00:00:00.000Z", "2026-12-02T00:00:01.000Z",
                Map.of("a", Phase.Succeeded, "b", Phase.Succeeded, "c", Phase.Succeeded));
        // the controller's putIfAbsent of generation 1's status lands just as the cancel starts generation 2
        ArtifactStore racing = new Racing(rt.store(), Generations.markerKey(runId, 2), () ->
                assertTrue(new Generations(rt.store(), Clock.systemUTC()).finish(
                        new Generations(rt.store(), Clock.systemUTC()).current(runId), succeeded)));

        RunCancel.Result r = new RunCancel(racing, null, Clock.systemUTC()).cancel(runId).orElseThrow();

        assertEquals(RunCancel.Outcome.ALREADY_FINISHED, r.outcome());
        assertEquals(Phase.Succeeded, r.phase());
        assertEquals(Phase.Succeeded, status(1).orElseThrow().phase(), "generation 1: the run's own end");
        assertEquals(Phase.Succeeded, status(2).orElseThrow().phase(), "generation 2 (the cancel's) records the same outcome");
        assertEquals(Generations.CANCEL, marker(2).cause());
        assertEquals(Phase.Succeeded, RunView.load(rt.store(), runId).orElseThrow().phase());
    }

    @Test
    void aCancelGenerationLeftWithoutStatusIsEndedCanceledByTheNextEvaluation() {
        Generations.Generation g1 = rt.recovery().generations().current(runId);
        // a cancel that died between its generation's marker and its status, a second ago
        new Generations(rt.store(), Clock.systemUTC()).begin(g1, Generations.CANCEL, Map.of());
        rt.controller().evaluate(runId);
        assertTrue(status(2).isEmpty(), "within the grace the canceler may still write it");
        assertFalse(anyLaunch(), "a cancel's generation launches nothing");
        IllegalStateException resume = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> rt.recovery().retry().resume(runId));
        assertTrue(resume.getMessage().contains("being canceled"), resume.getMessage());

        rt.store().delete(Generations.markerKey(runId, 2));
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(1)), ZoneOffset.UTC);
        new Generations(rt.store(), past).begin(g1, Generations.CANCEL, Map.of());
        rt.recovery().sweep().sweep();  // the sweep drives it

        assertEquals(Phase.Canceled, status(2).orElseThrow().phase());
        assertEquals(Phase.Canceled, status(2).orElseThrow().tasks().get("a"));
        assertFalse(anyLaunch());
    }

    @Test
    void aStateDirWhereTheCancelEndedTheCurrentGenerationReadsTheSame() throws Exception {
        // as written before cancels had their own generation: Canceled in generation 1's own status
        rt.store().put(RunLayout.runStatus(runId), Json.bytes(new RunStatus(runId, Phase.Canceled, "2026-12-01T00:00:00.000Z",
                "2026-12-01T00:00:05.000Z", Map.of("a", Phase.Canceled, "b", Phase.Canceled, "c", Phase.Canceled))));

        assertEquals(Phase.Canceled, RunView.load(rt.store(), runId).orElseThrow().phase());
        RunCancel.Result r = new RunCancel(rt.store(), null, Clock.systemUTC()).cancel(runId).orElseThrow();
        assertEquals(RunCancel.Outcome.ALREADY_FINISHED, r.outcome());
        assertEquals(Phase.Canceled, r.phase());
        assertTrue(rt.store().stat(Generations.markerKey(runId, 2)).isEmpty());
        assertTrue(rt.recovery().generations().isOver(runId));
        assertEquals(0, rt.recovery().sweep().sweep().runs(), "the sweep finds it over");
        Files.writeString(tmp.resolve("w/ok"), "");

        var retried = rt.recovery().retry().retry(runId).orElseThrow();
        assertEquals(2, retried.generation());
        assertEquals(Generations.RETRY, marker(2).cause());
    }

    /** A store that runs {@code before} once, just before the first putIfAbsent of {@code key}. */
    private record Racing(ArtifactStore store, String key, Runnable before) implements ArtifactStore {
        private static final java.util.Set<String> FIRED = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public boolean putIfAbsent(String k, byte[] data) {
            if (k.equals(key) && FIRED.add(key)) {
                before.run();
            }
            return store.putIfAbsent(k, data);
        }

        @Override
        public void put(String k, byte[] data) {
            store.put(k, data);
        }

        @Override
        public void putFile(String k, Path file) {
            store.putFile(k, file);
        }

        @Override
        public Optional<byte[]> get(String k) {
            return store.get(k);
        }

        @Override
        public void download(String k, Path target) {
            store.download(k, target);
        }

        @Override
        public Optional<ObjectInfo> stat(String k) {
            return store.stat(k);
        }

        @Override
        public List<String> list(String prefix, boolean recursive) {
            return store.list(prefix, recursive);
        }

        @Override
        public void delete(String k) {
            store.delete(k);
        }

        @Override
        public String bucket() {
            return store.bucket();
        }
    }
}
