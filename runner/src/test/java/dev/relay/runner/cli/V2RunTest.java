package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.TaskStatusDoc;
import dev.relay.runner.contract.Times;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KFP v2 IR end to end through {@code relay run} on the embedded default (real S3 server, real
 * processes, the controller on {@link dev.relay.runner.engine.PipelineEngine}), with hand-written IR
 * fixtures in {@code src/test/resources/v2run} and {@code v2}, and the seed pipeline of
 * {@code ../shared/cases/v2_kfp_sdk/seed} (skipped when the shared folder is absent).
 */
class V2RunTest {
    @TempDir Path state;
    @TempDir Path scratch;

    static Path fixture(String name) {
        return Path.of("src/test/resources", name).toAbsolutePath();
    }

    static Path shared() {
        String s = System.getProperty("relay.shared.dir");
        Path p = s == null ? Path.of("..", "..", "shared") : Path.of(s);
        return Files.isDirectory(p) ? p.toAbsolutePath().normalize() : null;
    }

    private static JsonNode json(Cli r) throws Exception {
        return Json.MAPPER.readTree(r.out());
    }

    private static JsonNode task(JsonNode doc, String name) {
        for (JsonNode t : doc.get("tasks")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no task " + name + " in " + doc);
    }

    private Optional<AttemptStatus> attempt(EmbeddedRuntime rt, String runId, String path, int n) {
        String key = RunLayout.attemptStatus(runId, path, n);
        return rt.store().get(key).map(b -> Json.read(b, AttemptStatus.class, key));
    }

    private String text(EmbeddedRuntime rt, String key) {
        return new String(rt.store().get(key).orElseThrow(() -> new AssertionError("missing " + key)), StandardCharsets.UTF_8);
    }

    @Test
    void aFalseConditionSkipsItsBranchAndTheOneOfTakesTheOther() throws Exception {
        Cli r = Cli.run("run", fixture("v2/condition.yaml").toString(), "-p", "side=heads",
                "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = json(r);
        String runId = doc.get("runId").asText();
        assertEquals("Succeeded", doc.get("phase").asText());
        assertEquals("Succeeded", task(doc, "condition-branches-1/condition-2/print-heads").get("phase").asText());
        assertEquals("Skipped", task(doc, "condition-branches-1/condition-3").get("phase").asText());
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertTrue(attempt(rt, runId, "condition-branches-1/condition-3/print-tails", 1).isEmpty(),
                    "the skipped branch's task never ran");
            String group = RunLayout.taskStatus(runId, "condition-branches-1");
            assertEquals(Phase.Succeeded, Json.read(rt.store().get(group).orElseThrow(), TaskStatusDoc.class, group).phase());
            assertEquals("heads!", text(rt, RunLayout.attemptLog(runId, "print-result", 1)).strip());
            RunDoc run = Json.read(rt.store().get(RunLayout.runJson(runId)).orElseThrow(), RunDoc.class, "run.json");
            assertEquals("kfp-v2-ir", run.format());
            assertEquals("condition-fixture", run.spec().path("pipelineInfo").path("name").asText(), "spec kept as given");
        }
    }

    @Test
    void aLoopWithParallelismOneNeverOverlapsAndFanInCollectsInItemOrder() throws Exception {
        Cli r = Cli.run("run", fixture("v2run/loops.yaml").toString(), "-p", "lockdir=" + scratch,
                "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = json(r);
        String runId = doc.get("runId").asText();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            List<AttemptStatus> iterations = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String path = "for-loop-1/" + i + "/exclusive";
                assertEquals("Succeeded", task(doc, path).get("phase").asText());
                iterations.add(attempt(rt, runId, path, 1).orElseThrow());
            }
            for (int i = 1; i < 3; i++) {
                Instant previousEnd = Times.parse(iterations.get(i - 1).finishedAt());
                Instant start = Times.parse(iterations.get(i).startedAt());
                assertFalse(start.isBefore(previousEnd), "iteration " + i + " started before iteration " + (i - 1) + " ended");
            }
            assertEquals("[10,20,30]", attempt(rt, runId, "collect-1", 1).orElseThrow().parameters().get("Output").toString());
            // for-loop-2's iterations tend to end in reverse order (item 3 sleeps longest); the fan-in keeps item order
            assertEquals("[3,2,1]", attempt(rt, runId, "collect-2", 1).orElseThrow().parameters().get("Output").toString());
            String loop = RunLayout.taskStatus(runId, "for-loop-1");
            assertEquals("[10,20,30]", Json.read(rt.store().get(loop).orElseThrow(), TaskStatusDoc.class, loop)
                    .parameters().get("pipelinechannel--exclusive-Output").toString());
        }
    }

    @Test
    void anExitHandlerSeesTheFailureAndARetrySucceedsAfterItsBackoff() throws Exception {
        Cli r = Cli.run("run", fixture("v2run/exit_retry.yaml").toString(), "-p", "markerdir=" + scratch,
                "--state-dir", state.toString(), "--json");
        assertEquals(1, r.exit(), r.err());
        JsonNode doc = json(r);
        assertTrue(doc.has("runId"), r.out() + r.err());
        String runId = doc.get("runId").asText();
        assertEquals("Failed", doc.get("phase").asText());
        assertEquals("Failed", task(doc, "exit-handler-1/fail").get("phase").asText());
        assertEquals("Skipped", task(doc, "exit-handler-1/after-fail").get("phase").asText());
        assertEquals("Succeeded", task(doc, "cleanup").get("phase").asText());
        assertEquals("Succeeded", task(doc, "tolerant").get("phase").asText());
        assertEquals("Succeeded", task(doc, "flaky").get("phase").asText());
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            JsonNode status = Json.MAPPER.readTree(attempt(rt, runId, "cleanup", 1).orElseThrow().parameters().get("Output").asText());
            assertEquals("FAILED", status.path("state").asText(), status.toString());
            assertEquals("exit-handler-1", status.path("pipelineTaskName").asText());
            assertTrue(status.path("error").path("message").asText().contains("exit code 1"), status.toString());
            AttemptStatus first = attempt(rt, runId, "flaky", 1).orElseThrow();
            AttemptStatus second = attempt(rt, runId, "flaky", 2).orElseThrow();
            assertEquals(ExecutionPhase.Failed, first.phase());
            assertEquals(3, first.exitCode());
            assertEquals(ExecutionPhase.Succeeded, second.phase());
            assertTrue(attempt(rt, runId, "flaky", 3).isEmpty(), "no third attempt");
            Duration gap = Duration.between(Times.parse(first.finishedAt()), Times.parse(second.startedAt()));
            assertTrue(gap.toMillis() >= 1000, "the 1s backoff is served before attempt 2 starts: " + gap);
        }
    }

    @Test
    void aCacheHitOnTheSecondRunStartsNoProcessAndCopiesTheOutputs() throws Exception {
        String file = fixture("v2run/cached.yaml").toString();
        Cli first = Cli.run("run", file, "-p", "countdir=" + scratch, "--state-dir", state.toString(), "--json");
        assertEquals(0, first.exit(), first.err());
        Cli second = Cli.run("run", file, "-p", "countdir=" + scratch, "--state-dir", state.toString(), "--json");
        assertEquals(0, second.exit(), second.err());
        Path starts = scratch.resolve("starts");
        assertEquals(1, Files.readAllLines(starts).size(), "the second run started no process for 'produce'");
        String run1 = json(first).get("runId").asText();
        String run2 = json(second).get("runId").asText();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            AttemptStatus hit = attempt(rt, run2, "produce", 1).orElseThrow();
            assertTrue(hit.isCached());
            assertEquals(ExecutionPhase.Succeeded, hit.phase());
            assertEquals(run1, hit.cacheSource().runId());
            assertEquals("produce", hit.cacheSource().task());
            assertEquals("s3://mlpipeline/" + RunLayout.output(run2, "produce", "data"), hit.outputs().get("data").uri(),
                    "outputs are published by the attempt that succeeded: copied into its own outputs/");
            assertEquals("hello!", text(rt, RunLayout.output(run2, "produce", "data")));
            assertEquals("system.Dataset", hit.outputs().get("data").schemaTitle());
            assertEquals("\"hello?\"", hit.parameters().get("Output").toString());
            assertEquals("read: hello!", text(rt, RunLayout.attemptLog(run2, "consume", 1)).strip());
            assertNull(attempt(rt, run1, "produce", 1).orElseThrow().cached());
        }
        Cli third = Cli.run("run", file, "-p", "countdir=" + scratch, "--state-dir", state.toString(), "--json", "--no-cache");
        assertEquals(0, third.exit(), third.err());
        assertEquals(2, Files.readAllLines(starts).size(), "--no-cache runs the task");
        Cli other = Cli.run("run", file, "-p", "countdir=" + scratch, "-p", "word=bye", "--state-dir", state.toString(), "--json");
        assertEquals(0, other.exit(), other.err());
        assertEquals(3, Files.readAllLines(starts).size(), "another input value is another cache key");
    }

    @Test
    void aV1GraphWithConditionsOnTaskOutputsAndANestedGraphRuns() throws Exception {
        Cli r = Cli.run("run", fixture("v2run/v1_conditions.yaml").toString(), "-p", "threshold=2",
                "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = json(r);
        String runId = doc.get("runId").asText();
        assertEquals("Succeeded", task(doc, "when-heads").get("phase").asText());
        assertEquals("Skipped", task(doc, "when-tails").get("phase").asText());
        assertEquals("Skipped", task(doc, "when-big").get("phase").asText());
        assertEquals("Succeeded", task(doc, "inner/shout").get("phase").asText());
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertEquals("heads", text(rt, RunLayout.attemptLog(runId, "when-heads", 1)).strip());
            assertEquals("heads!", text(rt, RunLayout.attemptLog(runId, "after-inner", 1)).strip());
            RunDoc run = Json.read(rt.store().get(RunLayout.runJson(runId)).orElseThrow(), RunDoc.class, "run.json");
            assertEquals("kfp-v1-graph", run.format());
        }
    }

    @Test
    void validateAndRunCheckIrParametersBeforeLaunch() throws Exception {
        Cli v = Cli.run("validate", fixture("v2run/loops.yaml").toString());
        assertEquals(0, v.exit(), v.err());
        assertTrue(v.out().contains("valid KFP v2 pipeline 'loops-fixture'"), v.out());
        Path json = scratch.resolve("loops.json");
        Files.writeString(json, Json.MAPPER.writeValueAsString(
                new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(fixture("v2run/loops.yaml").toFile())));
        Cli vj = Cli.run("validate", json.toString());
        assertEquals(0, vj.exit(), vj.err());
        Cli missing = Cli.run("run", fixture("v2run/loops.yaml").toString(), "--state-dir", state.toString());
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.err().contains("missing parameter 'lockdir'"), missing.err());
        Cli bad = Cli.run("run", fixture("v2run/cached.yaml").toString(), "-p", "countdir=" + scratch, "-p", "nope=1",
                "--state-dir", state.toString());
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("unknown parameter 'nope'"), bad.err());
    }

    @Test
    void theSeedContainerFormPrintsTheSum() throws Exception {
        Path seed = seedFile("random_sum_container_v2.yaml");
        Cli typed = Cli.run("run", seed.toString(), "-p", "count=abc", "--state-dir", state.toString());
        assertEquals(2, typed.exit(), typed.err());
        assertTrue(typed.err().contains("parameter 'count'"), typed.err());
        Cli r = Cli.run("run", seed.toString(), "-p", "count=10", "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        checkSum(json(r).get("runId").asText());
    }

    @Test
    void theSeedPythonFormPrintsTheSum() throws Exception {
        Path seed = seedFile("random_sum_python_v2.yaml");
        Path wheels = shared().resolve("kfp-sdk/wheels");
        assumeTrue(Files.isDirectory(wheels), "skipped: ../shared/kfp-sdk/wheels is absent (offline wheels for kfp==2.15.2)");
        // pip reads its configuration from the environment, which a JVM cannot change for itself:
        // run the CLI in a child JVM with the user's offline pip configuration
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RelayCli.class.getName(),
                "run", seed.toString(), "-p", "count=10", "--state-dir", state.toString(), "--json")
                .redirectError(scratch.resolve("err.txt").toFile());
        pb.environment().put("PIP_FIND_LINKS", wheels.toString());
        pb.environment().put("PIP_NO_INDEX", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out + Files.readString(scratch.resolve("err.txt")));
        checkSum(Json.MAPPER.readTree(out).get("runId").asText());
    }

    private Path seedFile(String name) {
        Path s = shared();
        assumeTrue(s != null && Files.isRegularFile(s.resolve("cases/v2_kfp_sdk/seed/" + name)),
                "skipped: ../shared/cases/v2_kfp_sdk/seed/" + name + " is absent");
        return s.resolve("cases/v2_kfp_sdk/seed/" + name);
    }

    /** The generated numbers, their sum as 'add' wrote it and as 'show' printed it. */
    private void checkSum(String runId) throws Exception {
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            String numbers = text(rt, RunLayout.output(runId, "generate", "numbers"));
            int[] values = numbers.lines().filter(l -> !l.isBlank()).mapToInt(l -> Integer.parseInt(l.strip())).toArray();
            assertEquals(10, values.length, numbers);
            String sum = Integer.toString(Arrays.stream(values).sum());
            assertEquals(sum, text(rt, RunLayout.output(runId, "add", "total")).strip());
            assertTrue(text(rt, RunLayout.attemptLog(runId, "show", 1)).lines().anyMatch(l -> l.strip().equals(sum)),
                    "show prints " + sum);
        }
    }

    @Test
    void everyIrParameterTypeIsCheckedBeforeLaunchNamingTheParameter() throws Exception {
        String file = fixture("v2run/typed.yaml").toString();
        String[][] bad = {
                {"n=abc", "parameter 'n' of type int: 'abc' is not an integer"},
                {"n=1.5", "parameter 'n' of type int: '1.5' is not an integer"},
                {"x=ten", "parameter 'x' of type float: 'ten' is not a number"},
                {"b=maybe", "parameter 'b' of type bool: 'maybe' is not a boolean (true or false)"},
                {"l={\"a\": 1}", "parameter 'l' of type list: '{\"a\": 1}' is not a JSON list"},
                {"s=[1]", "parameter 's' of type dict: '[1]' is not a JSON object (dict)"}};
        for (String[] b : bad) {
            List<String> args = new ArrayList<>(List.of("run", file, "--state-dir", state.toString(), "-p", b[0]));
            if (!b[0].startsWith("n=")) {
                args.addAll(List.of("-p", "n=1"));
            }
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), b[0] + ": " + r.err());
            assertTrue(r.err().contains(b[1]), b[0] + ": " + r.err());
            Cli j = Cli.run(java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of("--json")).toArray(String[]::new));
            assertEquals(2, j.exit(), j.err());
            assertTrue(json(j).path("error").asText().contains(b[1]), j.out());
        }
        try (var files = Files.walk(state)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith("run.json")), "nothing was started");
        }
    }

    @Test
    void v1IntegerFloatAndBooleanInputsAreCheckedBeforeLaunch() throws Exception {
        Path c = scratch.resolve("typed.component.yaml");
        Files.writeString(c, """
                name: typed
                inputs:
                - {name: count, type: Integer}
                - {name: rate, type: Float, default: '0.5'}
                - {name: flag, type: Boolean, default: 'False'}
                implementation:
                  container: {image: alpine, command: [echo, {inputValue: count}, {inputValue: rate}, {inputValue: flag}]}
                """);
        String[][] bad = {
                {"count=abc", "parameter 'count' of type Integer: 'abc' is not an integer"},
                {"rate=fast", "parameter 'rate' of type Float: 'fast' is not a number"},
                {"flag=yes", "parameter 'flag' of type Boolean: 'yes' is not a boolean (true or false)"}};
        for (String[] b : bad) {
            List<String> args = new ArrayList<>(List.of("run", c.toString(), "--state-dir", state.toString(), "-p", b[0]));
            if (!b[0].startsWith("count=")) {
                args.addAll(List.of("-p", "count=3"));
            }
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), b[0] + ": " + r.err());
            assertTrue(r.err().contains(b[1]), b[0] + ": " + r.err());
        }
        Cli ok = Cli.run("run", c.toString(), "--state-dir", state.toString(), "-p", "count=3", "-p", "rate=2", "-p", "flag=true");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("3 2 true"), ok.out());
    }

    @Test
    void aPipelineRootOutsideTheBucketIsRecordedAndReportedNotWrittenTo() throws Exception {
        Cli r = Cli.run("run", fixture("v2run/typed.yaml").toString(), "-p", "n=10", "-p", "x=2", "-p", "b=True",
                "-p", "l=[\"a\", 3]", "-p", "s={\"k\": [1]}", "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        String runId = json(r).get("runId").asText();
        String warning = "pipeline root gs://elsewhere/root is outside the Relay bucket 'mlpipeline': recorded, not written to;"
                + " the run's artifacts go to s3://mlpipeline/runs/" + runId + "/";
        assertTrue(r.err().contains("relay: warning: " + warning), r.err());
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            RunDoc run = Json.read(rt.store().get(RunLayout.runJson(runId)).orElseThrow(), RunDoc.class, "run.json");
            assertEquals("gs://elsewhere/root", run.pipelineRoot());
            assertEquals(List.of(warning), run.warnings());
            assertEquals("n=10 x=2 b=true l=[\"a\",3] s={\"k\":[1]} root=s3://mlpipeline/runs/" + runId,
                    text(rt, RunLayout.attemptLog(runId, "show", 1)).strip(), "{{$.pipeline_root}} is the run's own root");
        }
        // a root inside the bucket, and none: nothing to report
        assertEquals(null, dev.relay.runner.run.RunService.pipelineRootWarning("s3://mlpipeline/roots/a", "mlpipeline", runId));
        assertEquals(null, dev.relay.runner.run.RunService.pipelineRootWarning("minio://mlpipeline", "mlpipeline", runId));
        assertEquals(null, dev.relay.runner.run.RunService.pipelineRootWarning(null, "mlpipeline", runId));
        assertTrue(dev.relay.runner.run.RunService.pipelineRootWarning("s3://mlpipeline-other/x", "mlpipeline", runId)
                .startsWith("pipeline root s3://mlpipeline-other/x is outside"));
        Path inside = scratch.resolve("inside.yaml");
        Files.writeString(inside, Files.readString(fixture("v2run/typed.yaml")).replace("gs://elsewhere/root", "s3://mlpipeline/roots"));
        Cli in = Cli.run("run", inside.toString(), "-p", "n=1", "--state-dir", state.toString(), "--json");
        assertEquals(0, in.exit(), in.err());
        assertFalse(in.err().contains("warning"), in.err());
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            RunDoc run = Json.read(rt.store().get(RunLayout.runJson(json(in).get("runId").asText())).orElseThrow(), RunDoc.class, "run.json");
            assertEquals("s3://mlpipeline/roots", run.pipelineRoot());
            assertNull(run.warnings());
            assertFalse(new String(rt.store().get(RunLayout.runJson(json(in).get("runId").asText())).orElseThrow(),
                    StandardCharsets.UTF_8).contains("\"warnings\""));
        }
    }

    @Test
    void aFinalStatusInputOfAComponentRunAloneIsAskedForBeforeLaunch() throws Exception {
        // as the SDK compiles a component with a dsl.PipelineTaskFinalStatus input alone (GH-12033)
        Path ir = scratch.resolve("exit_comp.yaml");
        Files.writeString(ir, """
                pipelineInfo: {name: exit-comp}
                schemaVersion: 2.1.0
                components:
                  comp-exit-comp:
                    executorLabel: exec-exit-comp
                    inputDefinitions:
                      parameters:
                        status: {isOptional: true, parameterType: TASK_FINAL_STATUS}
                deploymentSpec:
                  executors:
                    exec-exit-comp:
                      container: {image: alpine, command: [echo], args: ["status={{$.inputs.parameters['status']}}"]}
                root:
                  dag:
                    tasks:
                      exit-comp:
                        componentRef: {name: comp-exit-comp}
                        inputs: {parameters: {status: {componentInputParameter: status}}}
                        taskInfo: {name: exit-comp}
                  inputDefinitions:
                    parameters:
                      status: {isOptional: true, parameterType: TASK_FINAL_STATUS}
                """);
        Cli none = Cli.run("run", ir.toString(), "--state-dir", state.toString());
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().contains("input 'status' is a PipelineTaskFinalStatus, which KFP gives only to the exit task"
                + " of a dsl.ExitHandler; to run the component alone pass it, e.g. -p status="), none.err());
        Cli given = Cli.run("run", ir.toString(), "--state-dir", state.toString(), "-p", "status={\"state\": \"FAILED\"}");
        assertEquals(0, given.exit(), given.err());
        assertTrue(given.out().contains("status={\"state\":\"FAILED\"}"), given.out());
    }

    @Test
    void aPipelineInputArtifactReachesItsTasksThroughANestedDag() throws Exception {
        // as the SDK compiles `def p(in_dataset: Input[Dataset])` with the input passed into a sub-pipeline
        Path ir = scratch.resolve("artifact_input.yaml");
        Files.writeString(ir, """
                pipelineInfo: {name: artifact-input}
                schemaVersion: 2.1.0
                components:
                  comp-show:
                    executorLabel: exec-show
                    inputDefinitions:
                      artifacts:
                        data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}
                  comp-inner:
                    dag:
                      tasks:
                        show:
                          componentRef: {name: comp-show}
                          inputs: {artifacts: {data: {componentInputArtifact: data}}}
                          taskInfo: {name: show}
                    inputDefinitions:
                      artifacts:
                        data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}
                deploymentSpec:
                  executors:
                    exec-show:
                      container: {image: alpine, command: [sh, -c, 'echo "read: $(cat "$0")"'], args: ["{{$.inputs.artifacts['data'].path}}"]}
                root:
                  dag:
                    tasks:
                      show:
                        componentRef: {name: comp-show}
                        inputs: {artifacts: {data: {componentInputArtifact: in_dataset}}}
                        taskInfo: {name: show}
                      inner:
                        componentRef: {name: comp-inner}
                        inputs: {artifacts: {data: {componentInputArtifact: in_dataset}}}
                        taskInfo: {name: inner}
                  inputDefinitions:
                    artifacts:
                      in_dataset: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}
                """);
        Path data = scratch.resolve("data.txt");
        Files.writeString(data, "from disk");
        Cli r = Cli.run("run", ir.toString(), "--state-dir", state.toString(), "-p", "in_dataset=@" + data, "--json");
        assertEquals(0, r.exit(), r.err());
        String runId = json(r).get("runId").asText();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            assertEquals("read: from disk", text(rt, RunLayout.attemptLog(runId, "show", 1)).strip());
            assertEquals("read: from disk", text(rt, RunLayout.attemptLog(runId, "inner/show", 1)).strip());
        }
    }
}
