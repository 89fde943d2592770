package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.launch.ArgumentValue;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.RunController;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod's three steps played on this machine, in the order the kubelet runs them: fetch (Java),
 * the user's command under {@code /bin/sh relay-wrap.sh ARGV...} (the real script, run by dash),
 * and publish (Java) waiting for the wrapper's exit code, the wrapper in turn waiting for it.
 * The emptyDir is a temporary directory; the plans are made for it.
 */
class PodStepsTest {
    @TempDir static Path tmp;
    static EmbeddedS3Server s3;
    static MinioArtifactStore store;
    static int pods;

    @BeforeAll
    static void start() {
        s3 = K8sFixtures.s3(tmp.resolve("s3"));
        store = s3.store("mlpipeline");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    /** Plays one pod; returns the wrapper's exit code. */
    private static int pod(ExecutionRequest r, Map<String, String> extraEnv) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pod-" + (++pods)));
        PodPlanner.Planned p = PodPlanner.plan(r, dir.toString(), store);
        PodSteps steps = new PodSteps(store, Clock.systemUTC());
        steps.fetch(p.plan(), dir);
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", dir.resolve("bin/relay-wrap.sh").toString()));
        cmd.addAll(p.argv());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile());
        pb.environment().putAll(p.env());
        pb.environment().putAll(extraEnv);
        Process main = pb.start();
        int code = PodSteps.awaitExitCode(dir, Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError("no exit-code"));
        steps.publish(p.plan(), dir, code);
        assertTrue(main.waitFor(30, TimeUnit.SECONDS), "the wrapper ends once status.json is published");
        assertEquals("ok", Files.readString(dir.resolve("published")).trim());
        return main.exitValue();
    }

    private static AttemptStatus status(ExecutionRequest r) {
        String key = RunLayout.attemptStatus(r.runId(), r.task(), r.attempt());
        return Json.read(store.get(key).orElseThrow(() -> new AssertionError("no " + key)), AttemptStatus.class, key);
    }

    private static String object(String key) {
        return new String(store.get(key).orElseThrow(() -> new AssertionError("no " + key)), StandardCharsets.UTF_8);
    }

    private static ExecutionRequest single(String yaml, Map<String, ArgumentValue> args) throws Exception {
        ComponentSpec c = ComponentLoader.parse(yaml, "test.component.yaml", tmp);
        return new ExecutionRequest("r-pod-" + pods + "-x", "t", 1, c, args, Map.of());
    }

    @Test
    void theSeedPipelineRunsThroughFetchWrapPublish() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v python3").start().waitFor() == 0,
                "python3 is not on PATH: the seed pipeline's pods NOT PLAYED (the other tests use sh only)");
        String runId = K8sFixtures.submit(store, K8sFixtures.seedPipeline(), Map.of("count", "4"));
        RunController controller = new RunController(store, (r) -> true, Clock.systemUTC());
        ExecutionRequest gen = controller.request(runId, "gen", 1);
        assertEquals(0, pod(gen, Map.of()));
        AttemptStatus g = status(gen);
        assertEquals(ExecutionPhase.Succeeded, g.phase(), g.message());
        String numbers = object(RunLayout.output(runId, "gen", "numbers"));
        assertEquals(4, numbers.lines().count());
        assertEquals(numbers.length(), g.outputs().get("numbers").size());
        assertTrue(object(RunLayout.attemptLog(runId, "gen", 1)).contains("generated 4 numbers"));

        ExecutionRequest sum = controller.request(runId, "sum", 1);
        assertEquals(0, pod(sum, Map.of()));
        int expected = numbers.lines().mapToInt(Integer::parseInt).sum();
        assertEquals(Integer.toString(expected), object(RunLayout.output(runId, "sum", "sum")));

        ExecutionRequest print = controller.request(runId, "print", 1);
        assertEquals(0, pod(print, Map.of()));
        assertEquals(Integer.toString(expected), object(RunLayout.attemptLog(runId, "print", 1)).trim());
        assertEquals(ExecutionPhase.Succeeded, status(print).phase());
    }

    @Test
    void argvElementsReachTheProgramByteForByte() throws Exception {
        String tricky = "$(HOME) $$ $1 '\"; echo pwned; `id` * \\ \t end";
        ExecutionRequest r = single("""
                name: echo args
                inputs: [{name: v}]
                outputs: [{name: out}]
                implementation:
                  container:
                    image: alpine
                    command: [sh, -c, 'for a in "$@"; do printf "[%s]" "$a"; done > "$0"', {outputPath: out}, {inputValue: v}, {concat: ['x=', {inputValue: v}]}]
                """, Map.of("v", new ArgumentValue.Value(tricky)));
        assertEquals(0, pod(r, Map.of()));
        assertEquals("[" + tricky + "][x=" + tricky + "]", object(RunLayout.output(r.runId(), "t", "out")));
    }

    @Test
    void failuresGetTheirReasons() throws Exception {
        ExecutionRequest missingExe = single("""
                name: nope
                implementation: {container: {image: alpine, command: [relay-no-such-program, --flag]}}
                """, Map.of());
        assertEquals(127, pod(missingExe, Map.of()));
        assertEquals(AttemptStatus.EXECUTABLE_NOT_FOUND, status(missingExe).reason());
        assertTrue(status(missingExe).message().contains("relay-no-such-program"), status(missingExe).message());

        ExecutionRequest exit3 = single("""
                name: boom
                implementation: {container: {image: alpine, command: [sh, -c, 'echo boom >&2; exit 3']}}
                """, Map.of());
        assertEquals(3, pod(exit3, Map.of()));
        assertEquals(AttemptStatus.ERROR, status(exit3).reason());
        assertEquals(3, status(exit3).exitCode());
        assertEquals("boom\n", object(RunLayout.attemptLog(exit3.runId(), "t", 1)));

        ExecutionRequest lazy = single("""
                name: lazy
                outputs: [{name: out}, {name: MLPipeline Metrics}]
                implementation: {container: {image: alpine, command: [sh, -c, 'true', {outputPath: out}, {outputPath: MLPipeline Metrics}]}}
                """, Map.of());
        assertEquals(0, pod(lazy, Map.of()));
        assertEquals(AttemptStatus.OUTPUT_MISSING, status(lazy).reason());
        assertTrue(status(lazy).message().contains("'out'"), "metrics may be skipped, out may not: " + status(lazy).message());

        ExecutionRequest unreadable = single("""
                name: reader
                inputs: [{name: data}]
                implementation: {container: {image: alpine, command: [cat, {inputPath: data}]}}
                """, Map.of("data", new ArgumentValue.Artifact("s3://mlpipeline/runs/nowhere/tasks/x/outputs/y")));
        Path dir = Files.createDirectories(tmp.resolve("unreadable"));
        PodPlanner.Planned p = PodPlanner.plan(unreadable, dir.toString(), store);
        assertThrows(PodSteps.FetchFailed.class, () -> new PodSteps(store, Clock.systemUTC()).fetch(p.plan(), dir));
        assertEquals(AttemptStatus.INPUT_NOT_READABLE, status(unreadable).reason());
    }

    @Test
    void fileOutputsOutsideTheSharedDirAreCopiedAndPublished() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("image-root"));
        String metrics = elsewhere.resolve("mlpipeline-metrics.json").toString();
        ExecutionRequest r = single("""
                name: metrics
                outputs: [{name: MLPipeline Metrics, type: Metrics}]
                implementation:
                  container:
                    image: alpine
                    command: [sh, -c, 'printf "{\\"metrics\\": []}" > "$0"', %s]
                    fileOutputs: {MLPipeline Metrics: %s}
                """.formatted(metrics, metrics), Map.of());
        assertEquals(0, pod(r, Map.of()));
        assertEquals(ExecutionPhase.Succeeded, status(r).phase(), status(r).message());
        assertEquals("{\"metrics\": []}", object(RunLayout.metrics(r.runId(), "t")));
    }

    @Test
    void theWrapperNeedsOnlyShellBuiltins() throws Exception {
        // no tee, cp or sleep on PATH: the builtin read loop tees, the wait loop spins
        Path empty = Files.createDirectories(tmp.resolve("empty-bin"));
        ExecutionRequest r = single("""
                name: builtin
                inputs: [{name: v}]
                implementation: {container: {image: scratch-with-sh, command: [printf, '%s\\n%s', line1, {inputValue: v}]}}
                """, Map.of("v", new ArgumentValue.Value("no newline at the end")));
        assertEquals(0, pod(r, Map.of("PATH", empty.toString())));
        assertEquals("line1\nno newline at the end\n", object(RunLayout.attemptLog(r.runId(), "t", 1)));
    }

    @Test
    void aComponentWithoutCommandCannotBeWrapped() throws IOException {
        ExecutionRequest r;
        try {
            r = single("""
                    name: entrypoint only
                    implementation: {container: {image: alpine}}
                    """, Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        PodPlanner.PlanException e = assertThrows(PodPlanner.PlanException.class, () -> PodPlanner.plan(r, "/relay", store));
        assertEquals(AttemptStatus.LAUNCH_FAILED, e.reason());
        assertTrue(e.getMessage().contains("no command"), e.getMessage());
    }
}
