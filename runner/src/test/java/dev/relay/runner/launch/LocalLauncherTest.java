package dev.relay.runner.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalLauncher} on its own: real short processes ({@code sh}) against the in-memory
 * store, each execution ending in its {@code status.json} with its log and outputs.
 */
class LocalLauncherTest {
    @TempDir Path tmp;
    InMemoryArtifactStore store;
    LocalLauncher launcher;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final CountDownLatch started = new CountDownLatch(1);

    @BeforeEach
    void start() {
        store = new InMemoryArtifactStore();
        LaunchListener listener = new LaunchListener() {
            @Override
            public void started(ExecutionRequest r) {
                started.countDown();
            }

            @Override
            public void line(ExecutionRequest r, String line) {
                lines.add(line);
            }
        };
        launcher = new LocalLauncher(store, tmp.resolve("work"), listener, 2, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        launcher.close();
    }

    private ExecutionRequest request(String runId, String yaml, Map<String, ArgumentValue> args) throws Exception {
        ComponentSpec c = ComponentLoader.parse(yaml, "c.component.yaml", tmp);
        return new ExecutionRequest(runId, "t", 1, c, args, Map.of());
    }

    /** Waits for the attempt's status.json (the launcher writes it last). */
    private AttemptStatus await(ExecutionRequest r) throws InterruptedException {
        String key = RunLayout.attemptStatus(r.runId(), r.task(), r.attempt());
        for (int i = 0; i < 600; i++) {
            byte[] b = store.objects.get(key);
            if (b != null) {
                return Json.read(b, AttemptStatus.class, key);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + key + " within 30 s");
    }

    private String object(String key) {
        byte[] b = store.objects.get(key);
        assertTrue(b != null, "no " + key);
        return new String(b, StandardCharsets.UTF_8);
    }

    static final String COPY = """
            name: copy
            inputs: [{name: src}, {name: word}]
            outputs: [{name: dst}]
            implementation:
              container:
                image: alpine
                command: [sh, -c, 'tr a-z A-Z < "$0" > "$1"; echo "$2 done"', {inputPath: src}, {outputPath: dst}, {inputValue: word}]
            """;

    @Test
    void aV1ExecutionFetchesRunsPublishesAndWritesItsStatusLast() throws Exception {
        store.put("runs/r-up/tasks/gen/outputs/text", "hello");
        ExecutionRequest r = request("r-up", COPY, Map.of(
                "src", new ArgumentValue.Artifact("s3://mlpipeline/runs/r-up/tasks/gen/outputs/text"),
                "word", new ArgumentValue.Value("upper")));
        assertTrue(launcher.launch(r));
        assertFalse(launcher.launch(r), "a second launch of the same execution is a no-op");
        AttemptStatus s = await(r);

        assertEquals(ExecutionPhase.Succeeded, s.phase(), s.message());
        assertEquals(0, s.exitCode());
        String key = RunLayout.output("r-up", "t", "dst");
        assertEquals("HELLO", object(key));
        AttemptStatus.OutputRef out = s.outputs().get("dst");
        assertEquals("s3://mlpipeline/" + key, out.uri());
        assertEquals(5, out.size());
        assertEquals("upper done\n", object(RunLayout.attemptLog("r-up", "t", 1)));
        assertEquals(List.of("upper done"), lines);
        // removed right after the status is published
        for (int i = 0; i < 100 && Files.exists(launcher.workDir(r)); i++) {
            Thread.sleep(50);
        }
        assertFalse(Files.exists(launcher.workDir(r)), "a succeeded attempt's work dir is removed");
    }

    @Test
    void aNonZeroExitFailsWithItsCodeAndKeepsTheWorkDir() throws Exception {
        ExecutionRequest r = request("r-exit", """
                name: fail
                implementation: {container: {image: alpine, command: [sh, -c, 'echo about to fail; exit 3']}}
                """, Map.of());
        launcher.launch(r);
        AttemptStatus s = await(r);
        assertEquals(ExecutionPhase.Failed, s.phase());
        assertEquals(AttemptStatus.ERROR, s.reason());
        assertEquals(3, s.exitCode());
        assertEquals("exit code 3", s.message());
        assertEquals("about to fail\nrelay: exit code 3\n", object(RunLayout.attemptLog("r-exit", "t", 1)),
                "the process's bytes, then Relay's line saying how it ended");
        assertTrue(Files.isDirectory(launcher.workDir(r)), "kept for inspection");
    }

    @Test
    void aDeclaredOutputThatWasNotWrittenFailsAsOutputMissingButMetricsMayBeSkipped() throws Exception {
        String yaml = """
                name: lazy
                outputs: [{name: out}, {name: mlpipeline-metrics}]
                implementation:
                  container:
                    image: alpine
                    command: [sh, -c, 'test -z "$2" || echo x > "$0"', {outputPath: out}, {outputPath: mlpipeline-metrics}, {inputValue: write}]
                inputs: [{name: write}]
                """;
        ExecutionRequest lazy = request("r-miss", yaml, Map.of("write", new ArgumentValue.Value("")));
        launcher.launch(lazy);
        AttemptStatus s = await(lazy);
        assertEquals(ExecutionPhase.Failed, s.phase(), s.message());
        assertEquals(AttemptStatus.OUTPUT_MISSING, s.reason(), s.message());
        assertEquals("output 'out' was not written to " + launcher.workDir(lazy) + "/outputs/0-out/data", s.message());

        ExecutionRequest noMetrics = request("r-nometrics", yaml, Map.of("write", new ArgumentValue.Value("yes")));
        launcher.launch(noMetrics);
        s = await(noMetrics);
        assertEquals(ExecutionPhase.Succeeded, s.phase(), s.message());
        assertEquals(List.of("out"), List.copyOf(s.outputs().keySet()), "KFP lets a program skip its metrics");
    }

    @Test
    void aMissingExecutableAndAnUnreadableInputAreNamed() throws Exception {
        ExecutionRequest noExe = request("r-noexe", """
                name: ghost
                implementation: {container: {image: alpine, command: [relay-no-such-program-x]}}
                """, Map.of());
        launcher.launch(noExe);
        AttemptStatus s = await(noExe);
        assertEquals(AttemptStatus.EXECUTABLE_NOT_FOUND, s.reason(), s.message());
        assertEquals("executable not found: relay-no-such-program-x", s.message());

        ExecutionRequest gone = request("r-gone", COPY, Map.of(
                "src", new ArgumentValue.Artifact("s3://mlpipeline/runs/r-gone/tasks/gen/outputs/none"),
                "word", new ArgumentValue.Value("x")));
        launcher.launch(gone);
        s = await(gone);
        assertEquals(AttemptStatus.INPUT_NOT_READABLE, s.reason(), s.message());
        assertEquals("input not readable: s3://mlpipeline/runs/r-gone/tasks/gen/outputs/none", s.message());
        assertNull(s.exitCode());
        assertTrue(object(RunLayout.attemptLog("r-gone", "t", 1)).startsWith("relay: input not readable"));
    }

    @Test
    void aDirectoryArtifactIsFetchedFileByFile() throws Exception {
        store.put("runs/r-dir/tasks/gen/outputs/d/a.txt", "A");
        store.put("runs/r-dir/tasks/gen/outputs/d/sub/b.txt", "B");
        ExecutionRequest r = request("r-dir", """
                name: list
                inputs: [{name: d}]
                implementation: {container: {image: alpine, command: [sh, -c, 'cat "$0/a.txt" "$0/sub/b.txt"', {inputPath: d}]}}
                """, Map.of("d", new ArgumentValue.Artifact("s3://mlpipeline/runs/r-dir/tasks/gen/outputs/d")));
        launcher.launch(r);
        AttemptStatus s = await(r);
        assertEquals(ExecutionPhase.Succeeded, s.phase(), s.message());
        assertEquals("AB", object(RunLayout.attemptLog("r-dir", "t", 1)));
    }

    @Test
    void aCanceledRunsProcessEndsAndItsStatusSaysCanceled() throws Exception {
        ExecutionRequest r = request("r-cancel", """
                name: sleeper
                implementation: {container: {image: alpine, command: [sh, -c, 'echo sleeping; exec sleep 30']}}
                """, Map.of());
        launcher.launch(r);
        assertTrue(started.await(30, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        int n = 0;
        for (int i = 0; i < 100 && n == 0; i++) {
            n = launcher.cancel("r-cancel");
            if (n == 0) {
                Thread.sleep(20);
            }
        }
        assertEquals(1, n);
        AttemptStatus s = await(r);
        assertEquals(ExecutionPhase.Failed, s.phase());
        assertEquals(AttemptStatus.CANCELED, s.reason(), s.message());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(25), "the process was ended, not waited for");
    }

    /**
     * A cancel of another process on this machine ({@code relay runs cancel} beside a {@code relay run})
     * that looked for the run's recorded processes before this one started: the process is ended once
     * started, seeing the cancel's generation in the bucket; before, it ran to its end under the
     * canceled run, since only a cancel reaching this launcher was looked for.
     */
    @Test
    void aProcessOfARunCanceledByAnotherProcessIsEndedOnceStarted() throws Exception {
        dev.relay.runner.recovery.Generations generations = new dev.relay.runner.recovery.Generations(store, Clock.systemUTC());
        // r-done: the cancel wrote its generation and its status; r-going: its status is still to come
        for (String run : List.of("r-done", "r-going")) {
            dev.relay.runner.recovery.Generations.Generation g = generations.begin(generations.current(run),
                    dev.relay.runner.recovery.Generations.CANCEL, Map.of());
            if (run.equals("r-done")) {
                generations.finish(g, new dev.relay.runner.contract.RunStatus(run, dev.relay.runner.engine.Phase.Canceled,
                        "2026-12-02T00:00:00.000Z", "2026-12-02T00:00:01.000Z", Map.of("t", dev.relay.runner.engine.Phase.Canceled)));
            }
        }
        List<ExecutionRequest> requests = new ArrayList<>();
        for (String run : List.of("r-done", "r-going")) {
            requests.add(request(run, """
                    name: sleeper
                    implementation: {container: {image: alpine, command: [sh, -c, 'exec sleep 30']}}
                    """, Map.of()));
        }
        long t0 = System.nanoTime();
        requests.forEach(launcher::launch);
        for (ExecutionRequest r : requests) {
            AttemptStatus s = await(r);
            assertEquals(ExecutionPhase.Failed, s.phase(), r.runId());
            assertEquals(AttemptStatus.CANCELED, s.reason(), r.runId() + ": " + s.message());
        }
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(25), "the processes were ended, not waited for");
    }

    @Test
    void theLogIsStoredByteForByteAndDecodedOnlyForDisplay() throws Exception {
        byte[] raw = {'a', '\r', '\n', 'b', (byte) 0xff};
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> shown = new ArrayList<>();
        LocalLauncher.copyLog(new ByteArrayInputStream(raw), log, shown::add);
        assertArrayEquals(raw, log.toByteArray());
        assertEquals(List.of("a", "b\uFFFD"), shown);
        assertEquals(List.of("c", "d"), LocalLauncher.tail("a\nb\nc\nd\n", 2));
    }
}
