package dev.relay.runner.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.FilesystemArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep, retry and resume on a real filesystem store, with a driver that records its calls. */
class SweepTest {
    @TempDir Path state;
    ArtifactStore store;
    LocalExecutions local;
    List<String> driven = new ArrayList<>();
    Recovery recovery;
    Owner dead;

    @BeforeEach
    void setUp() throws Exception {
        store = FilesystemArtifactStore.open(state.resolve("s3"), "mlpipeline", "minio", b -> { });
        local = new LocalExecutions(state);
        recovery = Recovery.of(store, local, driven::add, Clock.systemUTC());
        Process p = new ProcessBuilder("sleep", "0.3").start();
        long started = p.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        p.waitFor();
        p.onExit().join();
        dead = new Owner(p.pid(), started, Owner.self().host());
    }

    private void run(String runId) {
        store.put(RunLayout.runJson(runId), "{}".getBytes());
    }

    private void claimed(String runId, String task, int n, String launcher, Owner owner) {
        store.put(LaunchIntents.key(runId, task, n),
                Json.bytes(new LaunchIntents.Intent(runId, task, n, launcher, owner, "2026-12-01T00:00:00.000Z")));
    }

    private void status(String runId, String task, int n, ExecutionPhase phase) {
        store.put(RunLayout.attemptStatus(runId, task, n), Json.bytes(new AttemptStatus(runId, task, n, phase, 0, null, null,
                "2026-12-01T00:00:00.000Z", "2026-12-01T00:00:01.000Z", Map.of())));
    }

    private AttemptStatus read(String runId, String task, int n) {
        String key = RunLayout.attemptStatus(runId, task, n);
        return Json.read(store.get(key).orElseThrow(), AttemptStatus.class, key);
    }

    @Test
    void anAttemptWhoseOwnerDiedIsLostAndTheRunIsDrivenAgain() {
        run("r-1");
        claimed("r-1", "gen", 1, LaunchIntents.LOCAL, dead);
        status("r-1", "gen", 1, ExecutionPhase.Succeeded);
        claimed("r-1", "a", 1, LaunchIntents.LOCAL, dead);
        claimed("r-1", "loop/0/b", 1, LaunchIntents.LOCAL, Owner.self());
        claimed("r-1", "c", 1, LaunchIntents.KUBERNETES, dead);

        Sweep.Report report = recovery.sweep().sweep();

        assertEquals(1, report.runs());
        assertEquals(1, report.lost());
        AttemptStatus a = read("r-1", "a", 1);
        assertEquals(ExecutionPhase.Failed, a.phase());
        assertEquals(AttemptStatus.LOST, a.reason());
        assertTrue(a.message().contains("pid " + dead.pid()), a.message());
        assertTrue(store.get(RunLayout.attemptStatus("r-1", "loop/0/b", 1)).isEmpty(), "its owner (this JVM) is alive");
        assertTrue(store.get(RunLayout.attemptStatus("r-1", "c", 1)).isEmpty(), "a Job is judged by job-status");
        assertEquals(List.of("r-1"), driven);
    }

    @Test
    void finishedRunsAreLeftAlone() {
        run("r-2");
        claimed("r-2", "a", 1, LaunchIntents.LOCAL, dead);
        store.put(RunLayout.runStatus("r-2"), Json.bytes(new RunStatus("r-2", Phase.Failed, "x", "y", Map.of())));
        assertEquals(0, recovery.sweep().sweep().runs());
        assertTrue(driven.isEmpty());
        assertTrue(store.get(RunLayout.attemptStatus("r-2", "a", 1)).isEmpty());
    }

    @Test
    void anOutcomeNotedLocallyIsPublishedAndAnOrphanIsKilled() throws Exception {
        assumeTrue(LocalExecutions.groupsAvailable(), "setsid is not installed");
        run("r-3");
        claimed("r-3", "full", 1, LaunchIntents.LOCAL, dead);
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        LocalExecutions.Record full = local.begin("r-3", "full", 1, done);
        local.noteOutcome(full, AttemptStatus.STORE_UNAVAILABLE, "the store is unavailable: cannot write x (No space left on device)");

        claimed("r-3", "orphan", 1, LaunchIntents.LOCAL, dead);
        Process orphan = new ProcessBuilder(LocalExecutions.wrap(List.of("sleep", "300"))).start();
        LocalExecutions.Record rec = local.begin("r-3", "orphan", 1, orphan);
        // as if written by the dead owner
        local.noteOutcome(new LocalExecutions.Record(rec.runId(), rec.task(), rec.attempt(), rec.pid(), rec.startedAt(),
                rec.group(), dead, null, null), null, null);

        Sweep.Report report = recovery.sweep().sweep();

        assertEquals(2, report.lost());
        assertEquals(1, report.killed());
        assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the orphan was ended");
        assertEquals(AttemptStatus.STORE_UNAVAILABLE, read("r-3", "full", 1).reason());
        assertEquals(AttemptStatus.LOST, read("r-3", "orphan", 1).reason());
    }

    @Test
    void retryStartsAGenerationFromTheFailedTasksNextAttempt() {
        run("r-4");
        status("r-4", "gen", 1, ExecutionPhase.Succeeded);
        status("r-4", "sum", 1, ExecutionPhase.Failed);
        status("r-4", "sum", 2, ExecutionPhase.Failed);
        assertThrows(IllegalStateException.class, () -> recovery.retry().retry("r-4"), "still running");
        store.put(RunLayout.runStatus("r-4"), Json.bytes(new RunStatus("r-4", Phase.Failed, "x", "y", Map.of())));

        RunRetry.Result r = recovery.retry().retry("r-4").orElseThrow();

        assertEquals(2, r.generation());
        assertEquals(Map.of("sum", 3), r.tasks());
        Generations.Generation g = recovery.generations().current("r-4");
        assertEquals(2, g.generation());
        assertEquals(3, g.firstAttempt("sum"));
        assertEquals(1, g.firstAttempt("gen"));
        assertFalse(recovery.generations().isOver("r-4"), "the new generation runs");
        assertEquals(List.of("r-4"), driven);
        assertTrue(recovery.retry().retry("r-nope").isEmpty());

        RunStatus done = new RunStatus("r-4", Phase.Succeeded, "x", "z", Map.of());
        assertTrue(recovery.generations().finish(done));
        assertFalse(recovery.generations().finish(done), "once per generation");
        assertEquals("runs/r-4/generations/2/status.json", Generations.statusKey("r-4", 2));
        assertEquals(RunLayout.Kind.RUN_STATUS, RunLayout.parse(Generations.statusKey("r-4", 2)).orElseThrow().kind());
        assertEquals(Phase.Succeeded, recovery.generations().status("r-4").orElseThrow().phase());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> recovery.retry().retry("r-4"));
        assertTrue(e.getMessage().contains("nothing to retry"), e.getMessage());
    }

    @Test
    void resumeRunsLostAttemptsAgainInANewGeneration() {
        run("r-5");
        status("r-5", "gen", 1, ExecutionPhase.Succeeded);
        claimed("r-5", "sum", 1, LaunchIntents.LOCAL, dead);

        RunRetry.Result r = recovery.retry().resume("r-5").orElseThrow();

        assertEquals(2, r.generation());
        assertEquals(Map.of("sum", 2), r.tasks());
        assertEquals(AttemptStatus.LOST, read("r-5", "sum", 1).reason());
        assertEquals(2, recovery.generations().current("r-5").firstAttempt("sum"));
        assertEquals(List.of("r-5"), driven);
    }
}
