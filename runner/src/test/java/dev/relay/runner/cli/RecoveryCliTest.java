package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.recovery.LaunchIntents;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery as an unlucky operator meets it: {@code kill -9} of {@code relay run} mid-task,
 * a restarted server, a cancel, a retry, a lost notification, a full disk.
 */
class RecoveryCliTest {
    @TempDir Path tmp;
    private final List<Process> started = new ArrayList<>();
    private Path mounted;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
        }
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).start().waitFor();
        }
    }

    static Path fixture(String name) {
        return Path.of("src/test/resources/recovery", name).toAbsolutePath();
    }

    /** {@code relay run FILE -p dir=DIR --json} as its own JVM. */
    private Process relayRun(Path state, String pipeline, Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RelayCli.class.getName(),
                "run", fixture(pipeline).toString(), "-p", "dir=" + dir, "--json", "--state-dir", state.toString())
                .redirectError(tmp.resolve("err-" + started.size() + ".txt").toFile())
                .redirectOutput(tmp.resolve("out-" + started.size() + ".txt").toFile()).start();
        started.add(p);
        return p;
    }

    private static long awaitPid(Path file, Process owner) throws Exception {
        while (!Files.exists(file)) {
            assertTrue(owner.isAlive(), "relay run ended before the task slept");
            Thread.sleep(50);
        }
        return Long.parseLong(Files.readString(file).strip());
    }

    private static String onlyRun(Path state) throws Exception {
        try (Stream<Path> s = Files.list(state.resolve("s3/mlpipeline/runs"))) {
            List<String> runs = s.map(p -> p.getFileName().toString()).toList();
            assertEquals(1, runs.size(), runs.toString());
            return runs.get(0);
        }
    }

    /** A process that exited but was not reaped (its parent was killed) counts as gone. */
    private static boolean alive(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        for (int i = 0; i < 100 && Files.exists(stat); i++) {
            String s;
            try {
                s = Files.readString(stat);
            } catch (java.io.IOException gone) {
                return false;
            }
            char state = s.charAt(s.lastIndexOf(')') + 2);
            if (state == 'Z' || state == 'X') {
                return false;
            }
            return true;
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static AttemptStatus attempt(EmbeddedRuntime rt, String runId, String task, int n) {
        String key = RunLayout.attemptStatus(runId, task, n);
        return Json.read(rt.store().get(key).orElseThrow(() -> new AssertionError("missing " + key)), AttemptStatus.class, key);
    }

    private static RunStatus awaitEnd(EmbeddedRuntime rt, String runId) throws Exception {
        for (int i = 0; i < 1200; i++) {
            Optional<RunStatus> s = rt.recovery().generations().status(runId);
            if (s.isPresent()) {
                return s.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + runId + " did not end within a minute");
    }

    /** The run's phase as {@code relay runs list --json} (the SQL index) tells it. */
    private static String listedPhase(Path state, String runId) throws Exception {
        Cli list = Cli.run("runs", "list", "--state-dir", state.toString(), "--json");
        assertEquals(0, list.exit(), list.err());
        for (JsonNode r : Json.MAPPER.readTree(list.out())) {
            if (r.get("runId").asText().equals(runId)) {
                return r.get("phase").asText();
            }
        }
        throw new AssertionError("run " + runId + " is not listed: " + list.out());
    }

    /** Starts {@code relay run} of the fixture, kills its JVM with SIGKILL once nap runs; @return nap's pid */
    private long killedRelayRun(Path state, String fixture, Path dir) throws Exception {
        Process run = relayRun(state, fixture, dir);
        long nap = awaitPid(dir.resolve("nap.pid"), run);
        new ProcessBuilder("kill", "-9", Long.toString(run.pid())).start().waitFor();
        run.waitFor(10, TimeUnit.SECONDS);
        return nap;
    }

    @Test
    void aKilledRelayRunIsResumedToItsEndAndLeavesNoProcess() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        long nap = killedRelayRun(state, "nap.yaml", dir);
        assertTrue(alive(nap), "kill -9 leaves the task running (no JVM hook runs)");
        String runId = onlyRun(state);

        Cli r = Cli.run("run", "--resume", runId, "--state-dir", state.toString(), "--json");

        assertEquals(0, r.exit(), r.err());
        assertFalse(alive(nap), "the orphan was ended");
        JsonNode doc = Json.MAPPER.readTree(r.out());
        assertEquals("Succeeded", doc.get("phase").asText());
        assertEquals("ran", Files.readString(dir.resolve("first.count")).strip(), "first is not run again");
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertEquals(AttemptStatus.LOST, attempt(rt, runId, "nap", 1).reason());
            assertEquals(dev.relay.runner.engine.ExecutionPhase.Succeeded, attempt(rt, runId, "nap", 2).phase());
            assertEquals(Phase.Succeeded, rt.recovery().generations().status(runId).orElseThrow().phase());
        }
    }

    /**
     * The orphan of a killed {@code relay run} is ended before its task's next attempt starts,
     * also when it ignores SIGTERM (ended by SIGKILL after the grace): the task never runs twice
     * at once.
     */
    @Test
    void aResumeEndsTheOrphanBeforeTheNextAttemptStarts() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        long nap = killedRelayRun(state, "stubborn-nap.yaml", dir);
        assertTrue(alive(nap), "kill -9 leaves the task running");
        String runId = onlyRun(state);

        Cli r = Cli.run("run", "--resume", runId, "--state-dir", state.toString(), "--json");

        assertEquals(0, r.exit(), r.err());
        assertEquals("Succeeded", Json.MAPPER.readTree(r.out()).get("phase").asText());
        assertEquals("gone", Files.readString(dir.resolve("orphan.txt")).strip(),
                "attempt 2 started while attempt 1's process still ran");
        assertFalse(alive(nap), "the orphan was ended");
    }

    @Test
    void aSigtermedRelayRunEndsItsTaskAndTheRunGoesOnToItsEnd() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Process run = relayRun(state, "nap.yaml", dir);
        long nap = awaitPid(dir.resolve("nap.pid"), run);

        run.destroy();  // SIGTERM: the JVM's shutdown hook ends the process groups it started
        assertTrue(run.waitFor(30, TimeUnit.SECONDS), "relay run exits on SIGTERM");

        assertFalse(alive(nap), "the task ended with relay run");
        String runId = onlyRun(state);
        // the killed task's attempt failed (exit 143) if relay run could still write its status, and
        // the run ended Failed if it could still decide that: whatever it got to, the run is not left
        // Running: a resume ends it (or re-runs a lost nap), and a retry re-runs a failed one
        Optional<RunStatus> ended;
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            ended = rt.recovery().generations().status(runId);
        }
        String how = ended.isPresent() ? "ended " + ended.get().phase() : "left running";
        String phase;
        if (ended.isEmpty()) {
            Cli resumed = Cli.run("run", "--resume", runId, "--state-dir", state.toString(), "--json");
            assertTrue(resumed.exit() == 0 || resumed.exit() == 1, resumed.err());
            phase = Json.MAPPER.readTree(resumed.out()).get("phase").asText();
            how += ", resumed to " + phase;
        } else {
            phase = ended.get().phase().name();
        }
        if (!phase.equals("Succeeded")) {
            assertEquals("Failed", phase);
            Cli retried = Cli.run("runs", "retry", runId, "--state-dir", state.toString(), "--json");
            assertEquals(0, retried.exit(), retried.err());
            phase = Json.MAPPER.readTree(retried.out()).get("phase").asText();
            how += ", retried";
        }
        System.out.println("relay run after SIGTERM: " + how);
        assertEquals("Succeeded", phase);
        assertEquals("ran", Files.readString(dir.resolve("first.count")).strip(), "first is not run again");
    }

    @Test
    void aServerStartedAfterAKilledRunReplaysNothingAndEndsTheRunLost() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        long nap = killedRelayRun(state, "nap.yaml", dir);
        String runId = onlyRun(state);
        String launched = new String(Files.readAllBytes(state.resolve("s3/mlpipeline/" + LaunchIntents.key(runId, "nap", 1))),
                StandardCharsets.UTF_8);

        try (EmbeddedRuntime server = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            // the events a restarted server may see again: run.json and first's status
            server.controller().evaluate(runId);
            server.controller().evaluate(runId);
            assertEquals(launched, new String(server.store().get(LaunchIntents.key(runId, "nap", 1)).orElseThrow(), StandardCharsets.UTF_8),
                    "the intent record is unchanged: nothing was launched again");
            assertTrue(server.store().stat(LaunchIntents.key(runId, "nap", 2)).isEmpty());
            assertEquals(Long.toString(nap), Files.readString(dir.resolve("nap.pid")).strip(), "nap did not start again");

            var report = server.recovery().sweep().sweep();  // what relay server does at start

            assertEquals(1, report.lost());
            assertFalse(alive(nap), "the orphan was ended");
            RunStatus end = awaitEnd(server, runId);
            assertEquals(Phase.Failed, end.phase());
            assertEquals(AttemptStatus.LOST, attempt(server, runId, "nap", 1).reason());
        }
        try (EmbeddedRuntime second = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertEquals(0, second.recovery().sweep().sweep().runs(), "a second server finds the run over");
            assertTrue(second.store().stat(LaunchIntents.key(runId, "nap", 2)).isEmpty(), "no attempt ran twice");
            assertTrue(second.store().stat(LaunchIntents.key(runId, "last", 1)).isEmpty());
        }
    }

    /**
     * {@code relay server} stopped (SIGTERM) while a task runs: its notification sink stops first
     * (a write notified after that is refused), then the runtime closes and ends the task. The
     * stop is no failure of the task: its attempt is left without a status, and the next start's
     * sweep writes it Lost and runs it again, so the run goes on to Succeeded.
     */
    @Test
    void aRuntimeStoppedWhileATaskRunsLeavesItToTheNextStartWhichRunsItAgain() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        java.util.concurrent.ExecutorService sinkThread = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.atomic.AtomicReference<EmbeddedRuntime> self = new java.util.concurrent.atomic.AtomicReference<>();
        EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE,
                envelope -> sinkThread.execute(() -> self.get().inject(envelope)));
        self.set(rt);
        String runId = rt.runs().newRunId();
        rt.runs().submit(runId, dev.relay.runner.run.RunService.prepare(fixture("nap.yaml")),
                java.util.Map.of("dir", dir.toString()), dev.relay.runner.contract.RunDoc.Cause.cli());
        for (int i = 0; !Files.exists(dir.resolve("nap.pid")); i++) {
            assertTrue(i < 1200, "nap did not start within a minute");
            Thread.sleep(50);
        }
        long nap = Long.parseLong(Files.readString(dir.resolve("nap.pid")).strip());

        sinkThread.shutdown(); // the server's order: InProcessSink's @PreDestroy, then the runtime's close
        rt.close();

        assertFalse(alive(nap), "the task ended with the runtime");
        try (EmbeddedRuntime next = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertTrue(next.store().stat(RunLayout.attemptStatus(runId, "nap", 1)).isEmpty(),
                    "the stop wrote no status: " + next.store().get(RunLayout.attemptStatus(runId, "nap", 1))
                            .map(b -> new String(b, StandardCharsets.UTF_8)).orElse(""));
            var report = next.recovery().sweep().sweep(); // what relay server does at start
            assertEquals(1, report.lost());
            RunStatus end = awaitEnd(next, runId);
            assertEquals(Phase.Succeeded, end.phase());
            AttemptStatus first = attempt(next, runId, "nap", 1);
            assertEquals(AttemptStatus.LOST, first.reason());
            assertFalse(first.message().contains("Exception") || first.message().contains("Executor"), first.message());
            assertEquals(dev.relay.runner.engine.ExecutionPhase.Succeeded, attempt(next, runId, "nap", 2).phase());
            assertEquals("ran", Files.readString(dir.resolve("first.count")).strip(), "first is not run again");
        }
    }

    @Test
    void cancelEndsASleepingTaskAndTheRunIsCanceled() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Process run = relayRun(state, "nap.yaml", dir);
        long nap = awaitPid(dir.resolve("nap.pid"), run);
        String runId = onlyRun(state);

        long t0 = System.nanoTime();
        Cli c = Cli.run("runs", "cancel", runId, "--state-dir", state.toString());
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("relay runs cancel: returned " + took + " ms after it was called, the task ended");

        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("Canceled"), c.out());
        assertEquals("", c.err(), "no index warning");
        assertFalse(alive(nap), "the task's process is gone when cancel returns");
        assertTrue(took < 5000, "cancel took " + took + " ms");
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "relay run ends");
        assertEquals(1, run.exitValue());
        JsonNode doc = Json.MAPPER.readTree(Files.readString(tmp.resolve("out-0.txt")));
        assertEquals("Canceled", doc.get("phase").asText());
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertEquals(AttemptStatus.CANCELED, attempt(rt, runId, "nap", 1).reason());
            assertTrue(rt.store().stat(LaunchIntents.key(runId, "last", 1)).isEmpty(), "nothing launched after the cancel");
            // the cancel started generation 2 and ended it; generation 1 has no status of its own
            assertTrue(rt.store().get(dev.relay.runner.recovery.Generations.markerKey(runId, 2)).map(String::new)
                    .orElseThrow().contains("\"cause\":\"cancel\""));
            assertEquals(Phase.Canceled, rt.recovery().generations().status(runId).orElseThrow().phase());
            assertTrue(rt.store().stat(RunLayout.runStatus(runId)).isEmpty());
        }

        assertEquals("Canceled", listedPhase(state, runId), "the index has the cancel's generation");
        Cli again = Cli.run("runs", "retry", runId, "--state-dir", state.toString(), "--json");

        assertEquals(0, again.exit(), again.err());
        assertEquals("Succeeded", Json.MAPPER.readTree(again.out()).get("phase").asText());
        assertEquals("Succeeded", listedPhase(state, runId));
        assertEquals("ran", Files.readString(dir.resolve("first.count")).strip(), "first succeeded before: not run again");
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertEquals(3, rt.recovery().generations().current(runId).generation(), "the retry started generation 3");
            assertEquals(dev.relay.runner.engine.ExecutionPhase.Succeeded, attempt(rt, runId, "nap", 2).phase());
            assertEquals(Phase.Canceled, Json.read(rt.store().get(dev.relay.runner.recovery.Generations.statusKey(runId, 2))
                    .orElseThrow(), RunStatus.class, "gen 2").phase(), "the cancel's generation stays as written");
        }
    }

    @Test
    void retryRunsOnlyTheFailedTaskAndWhatWasSkippedBecauseOfIt() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Cli first = Cli.run("run", fixture("gate.yaml").toString(), "-p", "dir=" + dir, "--state-dir", state.toString(), "--json");
        assertEquals(1, first.exit(), first.err());
        String runId = Json.MAPPER.readTree(first.out()).get("runId").asText();
        Files.writeString(dir.resolve("ok"), "");

        Cli again = Cli.run("runs", "retry", runId, "--state-dir", state.toString(), "--json");

        assertEquals(0, again.exit(), again.err());
        JsonNode doc = Json.MAPPER.readTree(again.out());
        assertEquals("Succeeded", doc.get("phase").asText());
        assertEquals(1, Files.readAllLines(dir.resolve("a.count")).size(), "a succeeded before: not run again");
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertEquals(dev.relay.runner.engine.ExecutionPhase.Failed, attempt(rt, runId, "b", 1).phase());
            assertEquals(dev.relay.runner.engine.ExecutionPhase.Succeeded, attempt(rt, runId, "b", 2).phase());
            assertEquals(dev.relay.runner.engine.ExecutionPhase.Succeeded, attempt(rt, runId, "c", 1).phase());
            assertTrue(rt.store().stat(LaunchIntents.key(runId, "a", 2)).isEmpty());
            assertEquals(Phase.Failed, Json.read(rt.store().get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "gen 1").phase(),
                    "the first generation's end stays as written");
        }
        // the SQL index and relay runs list/get read the current generation: also after a rebuild
        // (which lists generations/2/status.json before generation 1's status.json)
        assertEquals("Succeeded", listedPhase(state, runId));
        Cli rebuild = Cli.run("index", "rebuild", "--state-dir", state.toString());
        assertEquals(0, rebuild.exit(), rebuild.err());
        assertEquals("Succeeded", listedPhase(state, runId));
        Cli get = Cli.run("runs", "get", runId, "--state-dir", state.toString(), "--json");
        assertEquals(0, get.exit(), get.err());
        assertEquals("Succeeded", Json.MAPPER.readTree(get.out()).get("phase").asText());
        Cli twice = Cli.run("runs", "retry", runId, "--state-dir", state.toString());
        assertEquals(2, twice.exit(), "a succeeded run has nothing to retry");
        assertTrue(twice.err().contains("nothing to retry"), twice.err());
    }

    @Test
    void workDirsOfSucceededAttemptsGoThoseOfFailedOnesStayUntilGc() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Cli failed = Cli.run("run", fixture("gate.yaml").toString(), "-p", "dir=" + dir, "--state-dir", state.toString(), "--json");
        assertEquals(1, failed.exit(), failed.err());
        String runId = Json.MAPPER.readTree(failed.out()).get("runId").asText();
        Path work = state.resolve("work").resolve(runId);
        assertFalse(Files.exists(work.resolve("a")), "a succeeded: its work dir is removed");
        assertTrue(Files.isDirectory(work.resolve("b/1")), "b failed: its work dir is kept for inspection");
        assertTrue(Files.exists(work.resolve("b/1/log.txt")));

        Cli young = Cli.run("gc", "--state-dir", state.toString());  // default: older than a week
        assertEquals(0, young.exit(), young.err());
        assertTrue(Files.isDirectory(work.resolve("b/1")), "a fresh failure is kept by the default age");

        Cli gc = Cli.run("gc", "--older-than", "0s", "--state-dir", state.toString());

        assertEquals(0, gc.exit(), gc.err());
        assertTrue(gc.out().startsWith("removed the work dirs of 1 finished run"), gc.out());
        assertFalse(Files.exists(work), "relay gc removed the failed run's work dir");
    }

    @Test
    void aLostNotificationIsPickedUpByTheSweep() throws Exception {
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(dir.resolve("ok"), "");
        // notifications off: no object event reaches the controller
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE, envelope -> { })) {
            var prepared = dev.relay.runner.run.RunService.prepare(fixture("gate.yaml"));
            String runId = rt.runs().newRunId();
            rt.runs().submit(runId, prepared, java.util.Map.of("dir", dir.toString()), dev.relay.runner.contract.RunDoc.Cause.cli());
            int sweeps = 0;
            while (rt.recovery().generations().status(runId).isEmpty()) {
                assertTrue(sweeps < 600, "the run did not end within a minute of sweeps");
                rt.recovery().sweep().sweep();
                sweeps++;
                Thread.sleep(100);
            }
            assertEquals(Phase.Succeeded, rt.recovery().generations().status(runId).orElseThrow().phase());
            assertTrue(sweeps >= 3, "each task's status needed a sweep: " + sweeps);
        }
    }

    @Test
    void aFullDiskFailsTheAttemptWithStoreUnavailableAndTheSweepEndsTheRun() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        int rc;
        try {
            rc = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (java.io.IOException e) {
            rc = -1;
        }
        assumeTrue(rc == 0, "this test needs to mount a small tmpfs (root, or CAP_SYS_ADMIN); it could not here");
        mounted = disk;
        Path state = disk.resolve("state");
        Path dir = Files.createDirectories(disk.resolve("w"));
        Process run = relayRun(state, "fill.yaml", dir);
        assertTrue(run.waitFor(120, TimeUnit.SECONDS), "relay run returns on a full disk");
        String err = Files.readString(tmp.resolve("err-0.txt"));

        assertEquals(1, run.exitValue(), err);
        List<String> storeLines = err.lines().filter(l -> l.contains("store is unavailable")).toList();
        assertEquals(1, storeLines.size(), err);
        assertTrue(storeLines.get(0).startsWith("relay: the store is unavailable: cannot write runs/"), storeLines.get(0));
        assertTrue(storeLines.get(0).contains("No space left on device"), storeLines.get(0));
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertFalse(err.contains("Exception"), "no exception class name: " + err);
        List<String> errorLines = err.lines().filter(l -> l.startsWith("relay:") && !l.startsWith("relay: run ")).toList();
        assertEquals(storeLines, errorLines, "the store's failure is the one error line: " + err);
        JsonNode errorDoc = Json.MAPPER.readTree(Files.readString(tmp.resolve("out-0.txt")));
        assertEquals(storeLines.get(0), errorDoc.get("error").asText());

        Files.delete(dir.resolve("filler"));
        String runId = onlyRun(state);
        try (EmbeddedRuntime server = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            server.recovery().sweep().sweep();
            RunStatus end = awaitEnd(server, runId);
            assertEquals(Phase.Failed, end.phase());
            AttemptStatus fill = attempt(server, runId, "fill", 1);
            String records;
            try (Stream<Path> s = Files.walk(state.resolve("executions"))) {
                records = s.filter(Files::isRegularFile).map(f -> {
                    try {
                        return Files.readString(f).strip();
                    } catch (java.io.IOException e) {
                        return e.toString();
                    }
                }).toList().toString();
            }
            // the owner noted the outcome in its execution record (reserved before the command
            // could fill the disk); the sweep publishes it once the store takes writes again
            assertEquals(dev.relay.runner.engine.ExecutionPhase.Failed, fill.phase());
            assertEquals(AttemptStatus.STORE_UNAVAILABLE, fill.reason(), fill.message() + " / records " + records);
            assertTrue(fill.message().startsWith("the store is unavailable: cannot write runs/"), fill.message());
            assertTrue(fill.message().contains("No space left on device"), fill.message());
        }
    }
}
