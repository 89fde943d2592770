package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KFP 1.8 compiled packages (Argo Workflows) through {@code relay run}, {@code relay validate} and
 * {@code relay pipeline upload}, on the embedded default: real S3 server, real processes.
 */
class ArgoPackageRunTest {
    @TempDir Path state;

    static Path fixture(String name) {
        return Path.of("src/test/resources/argo", name).toAbsolutePath();
    }

    static Path sharedSeed() {
        String dir = System.getProperty("relay.shared.dir");
        Assumptions.assumeTrue(dir != null, "relay.shared.dir is not set: skipping the shared-case test");
        Path p = Path.of(dir, "cases", "v1_kfp_sdk", "seed");
        Assumptions.assumeTrue(Files.isDirectory(p), "shared cases not found at " + p + ": skipping");
        return p;
    }

    private JsonNode run(Path file, String... params) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", file.toString()));
        for (String p : params) {
            args.add("-p");
            args.add(p);
        }
        args.addAll(List.of("--state-dir", state.toString(), "--json"));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), file + ": " + r.err());
        JsonNode doc = Json.MAPPER.readTree(r.out());
        assertEquals("Succeeded", doc.get("phase").asText(), doc.toString());
        return doc;
    }

    private JsonNode runFailing(Path file, String... params) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", file.toString()));
        for (String p : params) {
            args.add("-p");
            args.add(p);
        }
        args.addAll(List.of("--state-dir", state.toString(), "--json"));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(1, r.exit(), file + ": " + r.err());
        return Json.MAPPER.readTree(r.out());
    }

    private boolean exists(String key) throws Exception {
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            return rt.store().get(key).isPresent();
        }
    }

    private String object(String key) throws Exception {
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            return new String(rt.store().get(key).orElseThrow(() -> new AssertionError("no " + key)), StandardCharsets.UTF_8);
        }
    }

    private static String taskWithOutput(JsonNode doc, String output) {
        for (JsonNode t : doc.get("tasks")) {
            if (t.path("outputs").has(output)) {
                return t.get("name").asText();
            }
        }
        throw new AssertionError("no task with output " + output + " in " + doc);
    }

    @Test
    void theSeedRunsInEveryFormAndPrintsTheSum() throws Exception {
        Path seed = sharedSeed();
        for (String f : List.of("random_sum_funcs_v1.yaml", "random_sum_funcs_v1.tar.gz", "random_sum_yaml_v1.yaml",
                "random_sum_yaml_v1.tar.gz", "random_sum_containerop_v1.yaml")) {
            JsonNode doc = run(seed.resolve(f), "count=10");
            String runId = doc.get("runId").asText();
            String gen = taskWithOutput(doc, "numbers");
            int[] values = object(RunLayout.output(runId, gen, "numbers")).lines().filter(l -> !l.isBlank())
                    .mapToInt(Integer::parseInt).toArray();
            assertEquals(10, values.length, f);
            JsonNode last = doc.get("tasks").get(doc.get("tasks").size() - 1);
            String printed = object(RunLayout.attemptLog(runId, last.get("name").asText(), 1));
            assertEquals(Integer.toString(Arrays.stream(values).sum()), printed.strip(), f);
        }
    }

    @Test
    void aHandWrittenWorkflowRunsWithKfpNamesMappedBack() throws Exception {
        JsonNode doc = run(fixture("sum.workflow.yaml"), "count=4");
        String runId = doc.get("runId").asText();
        // gen's annotation names its output "numbers" (Argo: gen-numbers); sum's output is "total"
        assertEquals("1\n2\n3\n4\n", object(RunLayout.output(runId, "gen", "numbers")));
        assertEquals("10", object(RunLayout.output(runId, "sum", "total")).strip());
        // the nested DAG's task has the path report/show
        assertEquals("total: 10", object(RunLayout.attemptLog(runId, "report/show", 1)).strip());
    }

    private String value(String runId, String path, String output) throws Exception {
        return object(RunLayout.output(runId, path, output)).strip();
    }

    /**
     * Every package of {@code v1_kfp_sdk/} and {@code v1_argo_workflows/} that INDEX.md marks as
     * running on a host runs to the end its {@code .py} implies: the branch the flip picked, one
     * iteration per list item, the recursion flipping until tails.
     */
    @Test
    void everyHostRunnableSharedPackageRunsToItsEnd() throws Exception {
        Path cases = sharedSeed().getParent().getParent();
        // opsgroups, withitem_basic, withparam_global(_dict) and input_artifact_raw_value are checked line
        // by line in sharedStaticPackagesPrintWhatTheirPySourcesPass. add_pod_env echoes $KFP_POD_NAME, a
        // Kubernetes fieldRef (metadata.name): on a host, the name of this task's process
        String env = run(cases.resolve("v1_kfp_sdk/add_pod_env.yaml")).get("runId").asText();
        assertEquals(env + "-echo-1", object(RunLayout.attemptLog(env, "echo", 1)).strip(), "the pod name the task echoes");
        JsonNode out = run(cases.resolve("v1_kfp_sdk/withparam_output.yaml"));
        String runId = out.get("runId").asText();
        int items = Json.MAPPER.readTree(value(runId, "my-out-cop0", "out")).size();
        long iterations = java.util.stream.StreamSupport.stream(out.get("tasks").spliterator(), false)
                .filter(t -> t.get("name").asText().matches("for-loop-1/\\d+/my-in-cop1")).count();
        assertEquals(items, iterations, "one iteration per item of the list the task wrote");
        for (String f : List.of("recursive_while.yaml", "recursive_do_while.yaml")) {
            JsonNode doc = run(cases.resolve("v1_kfp_sdk").resolve(f));
            String id = doc.get("runId").asText();
            List<String> flips = new java.util.ArrayList<>();
            for (JsonNode t : doc.get("tasks")) {
                if (t.get("name").asText().endsWith("flip-3")) {
                    flips.add(t.get("name").asText());
                }
            }
            flips.sort(java.util.Comparator.comparing(String::length));
            for (int i = 0; i < flips.size(); i++) {
                assertEquals(i == flips.size() - 1 ? "tails" : "heads", value(id, flips.get(i), "output"),
                        f + ": flips again while heads " + flips);
            }
            if (f.equals("recursive_do_while.yaml")) {
                assertTrue(!flips.isEmpty(), "do-while: the body runs at least once");
            } else if (flips.isEmpty()) {
                assertEquals("tails", value(id, "flip", "output"), "while: no iteration when the first flip is tails");
            }
        }
        JsonNode coin = run(cases.resolve("v1_argo_workflows/coin_conditions_when.workflow.yaml"));
        String coinId = coin.get("runId").asText();
        boolean heads = value(coinId, "flip", "output").equals("heads");
        java.util.Map<String, String> phases = new java.util.HashMap<>();
        coin.get("tasks").forEach(t -> phases.put(t.get("name").asText(), t.path("phase").asText()));
        assertEquals(heads ? "Succeeded" : "Skipped", phases.get("condition-1"), phases.toString());
        // condition-3 (tails) reads condition-1's output: after tails condition-1 was skipped, so it is too
        assertEquals("Skipped", phases.get("condition-3"), phases.toString());
        for (String f : List.of("loop_over_lightweight_output_withParam.workflow.yaml",
                "parallelfor_item_argument_resolving.workflow.yaml")) {
            run(cases.resolve("v1_argo_workflows").resolve(f));
        }
    }

    private AttemptStatus attempt(String runId, String path) throws Exception {
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            return Json.read(rt.store().get(RunLayout.attemptStatus(runId, path, 1)).orElseThrow(
                    () -> new AssertionError("no attempt of " + path)), AttemptStatus.class, path);
        }
    }

    private static boolean startsAfterEnd(AttemptStatus later, AttemptStatus earlier) {
        return !java.time.Instant.parse(later.startedAt()).isBefore(java.time.Instant.parse(earlier.finishedAt()));
    }

    /**
     * The shared v1 packages whose {@code .py} passes constants, pipeline parameters or static lists:
     * each task prints exactly what its source passes it, loops run one iteration per item (and no
     * more), and {@code .after()} orders what carries no data.
     */
    @Test
    void sharedStaticPackagesPrintWhatTheirPySourcesPass() throws Exception {
        Path v1 = sharedSeed().getParent();
        // two graph_components, echo2's after echo1's, each echoing its pipeline parameter's default
        String ops = run(v1.resolve("opsgroups.yaml")).get("runId").asText();
        String one = "graph-echo1-graph-component-1/echo1-task1";
        String two = "graph-echo2-graph-component-2/echo2-task1";
        assertEquals("message 1", object(RunLayout.attemptLog(ops, one, 1)).strip(), "text1's default");
        assertEquals("message 2", object(RunLayout.attemptLog(ops, two, 1)).strip(), "text2's default");
        assertTrue(startsAfterEnd(attempt(ops, two), attempt(ops, one)), "step2_graph_component.after(step1_graph_component)");
        // ParallelFor over [{a: 1, b: 2}, {a: 10, b: 20}] with my_pipe_param=10 inside the loop
        String items = run(v1.resolve("withitem_basic.yaml")).get("runId").asText();
        int[][] ab = {{1, 2}, {10, 20}};
        for (int i = 0; i < 2; i++) {
            assertEquals("op1 " + ab[i][0] + " 10", object(RunLayout.attemptLog(items, "for-loop-2/" + i + "/my-in-coop1", 1)).strip(),
                    "item.a and the pipeline parameter, item " + i);
            assertEquals("op2 " + ab[i][1], object(RunLayout.attemptLog(items, "for-loop-2/" + i + "/my-in-coop2", 1)).strip(),
                    "item.b, item " + i);
        }
        assertTrue(!exists(RunLayout.attemptLog(items, "for-loop-2/2/my-in-coop1", 1)), "two items, two iterations");
        assertEquals("10", object(RunLayout.attemptLog(items, "my-out-cop", 1)).strip(), "my_pipe_param outside the loop");
        // ParallelFor over the list parameter loopidy_doop (default [3, 5, 7, 9]; then one given with -p), after op0
        String global = run(v1.resolve("withparam_global.yaml")).get("runId").asText();
        String json = value(global, "my-out-cop0", "out");
        assertEquals(java.util.stream.IntStream.rangeClosed(20, 30).boxed().toList(),
                Arrays.asList(Json.MAPPER.readValue(json, Integer[].class)), "op0's json.dump of range(20, 31)");
        List<Integer> doop = List.of(3, 5, 7, 9);
        for (int i = 0; i < doop.size(); i++) {
            String path = "for-loop-1/" + i + "/my-in-cop1";
            assertEquals("no output global op1, item: " + doop.get(i), object(RunLayout.attemptLog(global, path, 1)).strip());
            assertTrue(startsAfterEnd(attempt(global, path), attempt(global, "my-out-cop0")), path + " runs .after(op0)");
        }
        assertTrue(!exists(RunLayout.attemptLog(global, "for-loop-1/4/my-in-cop1", 1)), "four items, four iterations");
        assertEquals("no output global op2, outp: " + json, object(RunLayout.attemptLog(global, "my-out-cop2", 1)).strip(),
                "op0's output, whole");
        String given = run(v1.resolve("withparam_global.yaml"), "loopidy_doop=[4, 8]").get("runId").asText();
        assertEquals("no output global op1, item: 4", object(RunLayout.attemptLog(given, "for-loop-1/0/my-in-cop1", 1)).strip());
        assertEquals("no output global op1, item: 8", object(RunLayout.attemptLog(given, "for-loop-1/1/my-in-cop1", 1)).strip());
        assertTrue(!exists(RunLayout.attemptLog(given, "for-loop-1/2/my-in-cop1", 1)), "the list given on the command line");
        // the same over the dict list [{a: 1, b: 2}, {a: 10, b: 20}]: item.a of each
        String dict = run(v1.resolve("withparam_global_dict.yaml")).get("runId").asText();
        assertEquals("no output global op1, item.a: 1", object(RunLayout.attemptLog(dict, "for-loop-1/0/my-in-cop1", 1)).strip());
        assertEquals("no output global op1, item.a: 10", object(RunLayout.attemptLog(dict, "for-loop-1/1/my-in-cop1", 1)).strip());
        assertTrue(!exists(RunLayout.attemptLog(dict, "for-loop-1/2/my-in-cop1", 1)), "two items, two iterations");
        assertEquals("no output global op2, outp: " + value(dict, "my-out-cop0", "out"),
                object(RunLayout.attemptLog(dict, "my-out-cop2", 1)).strip());
        // raw input artifacts placed at /tmp/inputs/text/data and cat'ed: exactly their text, no newline added
        String raw = run(v1.resolve("input_artifact_raw_value.yaml")).get("runId").asText();
        assertEquals("Constant artifact value", object(RunLayout.attemptLog(raw, "component-with-inline-input-artifact", 1)));
        assertEquals("Constant artifact value", object(RunLayout.attemptLog(raw, "component-with-input-artifact", 1)));
        assertEquals("hard-coded artifact value", object(RunLayout.attemptLog(raw, "component-with-input-artifact-2", 1)));
        assertEquals(Files.readString(v1.resolve("input_artifact_raw_value.txt")),
                object(RunLayout.attemptLog(raw, "component-with-input-artifact-3", 1)), "the .txt the compiler read");
    }

    @Test
    void whenRunsTheBranchThatHoldsAndSkipsTheOther() throws Exception {
        String runId = run(fixture("when.workflow.yaml")).get("runId").asText();
        assertEquals("heads", object(RunLayout.attemptLog(runId, "condition-1/heads", 1)).strip(),
                "the flip's output, trimmed, passed into the condition group");
        assertEquals("big", object(RunLayout.attemptLog(runId, "big", 1)).strip(), "7 > 5 && (heads != edge || 1 == 2)");
        assertTrue(!exists(RunLayout.attemptLog(runId, "condition-2/tails", 1)), "tails was skipped");
    }

    @Test
    void loopsRunOneIterationPerItem() throws Exception {
        String runId = run(fixture("withitems.workflow.yaml"), "greeting=hi").get("runId").asText();
        for (int i = 0; i < 3; i++) {
            assertEquals("hi " + (i + 1) + " " + List.of("x", "y", "z").get(i),
                    object(RunLayout.attemptLog(runId, "for-loop-1/" + i + "/print", 1)).strip(), "withItems of dicts");
        }
        String param = run(fixture("withparam.workflow.yaml")).get("runId").asText();
        for (int i = 0; i < 4; i++) {
            assertEquals(List.of("red", "green", "blue", "cyan").get(i),
                    object(RunLayout.attemptLog(param, "for-loop-2/" + i + "/print", 1)).strip(), "withParam from a task output");
        }
    }

    @Test
    void theExitHandlerRunsAfterAFailure() throws Exception {
        JsonNode doc = runFailing(fixture("exit.workflow.yaml"));
        assertEquals("Failed", doc.get("phase").asText(), doc.toString());
        assertEquals("cleaned up", object(RunLayout.attemptLog(doc.get("runId").asText(), "cleanup", 1)).strip());
    }

    @Test
    void aRecursionRunsUntilItsConditionFails() throws Exception {
        String runId = run(fixture("recursion.workflow.yaml"), "n=2").get("runId").asText();
        String path = "graph-countdown-1";
        for (int n = 2; n >= 0; n--) {
            assertEquals("n=" + n, object(RunLayout.attemptLog(runId, path + "/dec", 1)).strip());
            path = path + "/graph-countdown-1";
        }
        assertTrue(!exists(RunLayout.attemptLog(runId, path + "/dec", 1)), "-1 < 0: the recursion stopped");
    }

    @Test
    void stepsRunGroupAfterGroup() throws Exception {
        JsonNode doc = run(fixture("steps.workflow.yaml"));
        String runId = doc.get("runId").asText();
        assertEquals("hello", object(RunLayout.attemptLog(runId, "first", 1)).strip());
        assertEquals("world", object(RunLayout.attemptLog(runId, "second", 1)).strip());
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            AttemptStatus first = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "first", 1)).orElseThrow(), AttemptStatus.class, "f");
            AttemptStatus second = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "second", 1)).orElseThrow(), AttemptStatus.class, "s");
            AttemptStatus last = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "last", 1)).orElseThrow(), AttemptStatus.class, "l");
            assertTrue(last.startedAt().compareTo(first.finishedAt()) >= 0, "the second step group starts after the first");
            assertTrue(last.startedAt().compareTo(second.finishedAt()) >= 0, "the second step group starts after the first");
        }
    }

    @Test
    void aRetryStrategyGivesASecondAttempt() throws Exception {
        Path marker = state.resolve("marker");
        JsonNode doc = run(fixture("retry.workflow.yaml"), "marker=" + marker);
        String runId = doc.get("runId").asText();
        assertTrue(object(RunLayout.attemptLog(runId, "flaky", 1)).startsWith("first attempt fails\n"));
        assertEquals("second attempt", object(RunLayout.attemptLog(runId, "flaky", 2)).strip());
    }

    @Test
    void validateAcceptsPackagesAndRefusesWhatAHostCannotDo() throws Exception {
        Cli ok = Cli.run("validate", fixture("sum.workflow.yaml").toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(fixture("sum.workflow.yaml") + ": valid KFP 1.x package, pipeline 'sum-fixture' (inputs: 2,"
                + " outputs: 0, tasks: 3)", ok.out().strip());
        Path sidecar = state.resolve("sidecar.yaml");
        Files.writeString(sidecar, Files.readString(fixture("steps.workflow.yaml")).replace(
                "    container:\n", "    sidecars: [{name: echo, image: hashicorp/http-echo}]\n    container:\n"));
        Cli refused = Cli.run("validate", sidecar.toString());
        assertEquals(1, refused.exit());
        assertEquals(sidecar + ":1:1: spec.templates[1](echo).sidecars: sidecar containers (hashicorp/http-echo) cannot"
                + " run beside a local process", refused.err().strip());
        Cli run = Cli.run("run", sidecar.toString(), "--state-dir", state.toString());
        assertEquals(2, run.exit(), "refused before launch");
        assertTrue(run.err().contains("sidecars"), run.err());
        assertTrue(Files.notExists(state.resolve("s3/mlpipeline/runs")) || Files.list(state.resolve("s3/mlpipeline/runs")).findAny().isEmpty(),
                "nothing was started");
        // registered for whichever launcher runs it (Kubernetes Jobs carry the sidecar); a resource template is not
        Cli stored = Cli.run("pipeline", "upload", sidecar.toString(), "--name", "sidecar", "--state-dir", state.toString());
        assertEquals(0, stored.exit(), stored.err());
        Path resource = state.resolve("resource.yaml");
        Files.writeString(resource, Files.readString(fixture("steps.workflow.yaml")).replace(
                "    container:\n      image: alpine\n      command: [echo, '{{inputs.parameters.text}}']",
                "    resource: {action: create, manifest: 'kind: ConfigMap'}"));
        Cli notStored = Cli.run("pipeline", "upload", resource.toString(), "--name", "resource", "--state-dir", state.toString());
        assertEquals(1, notStored.exit(), notStored.out() + notStored.err());
        assertTrue(notStored.err().contains("spec.templates[1](echo).resource: a resource template (create of a Kubernetes ConfigMap)"
                + " is not run by Relay"), notStored.err());
    }

    @Test
    void pipelineUploadStoresThePackageAsItIsAndItRuns() throws Exception {
        Path tgz = state.resolve("sum.tar.gz");
        String yaml = Files.readString(fixture("sum.workflow.yaml"));
        Files.write(tgz, dev.relay.runner.argo.ArgoPackageTest.tarGz(java.util.Map.of("pipeline.yaml", yaml)));
        Cli r = Cli.run("pipeline", "upload", tgz.toString(), "--name", "sum-fixture", "--version", "v1",
                "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Json.MAPPER.readTree(r.out()).get("uri").asText().endsWith("/pipelines/sum-fixture/v1/pipeline.tar.gz"), r.out());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(tgz),
                Files.readAllBytes(state.resolve("s3/mlpipeline/pipelines/sum-fixture/v1/pipeline.tar.gz"))), "stored as uploaded");
        assertTrue(Files.notExists(state.resolve("s3/mlpipeline/pipelines/sum-fixture/v1/pipeline.yaml")));
        try (dev.relay.runner.local.EmbeddedRuntime rt = dev.relay.runner.local.EmbeddedRuntime.start(state, 0,
                dev.relay.runner.launch.LaunchListener.NONE)) {
            var reg = new dev.relay.runner.run.PipelineRegistry(rt.store(), java.time.Clock.systemUTC());
            var entry = reg.find("sum-fixture", "latest").orElseThrow();
            assertEquals(yaml, entry.yaml());
            String runId = rt.runs().newRunId();
            rt.runs().submit(runId, dev.relay.runner.run.RunService.prepare(entry.yaml(), entry.key()), java.util.Map.of("count", "3"),
                    dev.relay.runner.contract.RunDoc.Cause.cli());
            java.util.Optional<dev.relay.runner.contract.RunStatus> end = java.util.Optional.empty();
            for (int i = 0; i < 1200 && end.isEmpty(); i++) {
                Thread.sleep(50);
                end = rt.recovery().generations().status(runId);
            }
            assertEquals(dev.relay.runner.engine.Phase.Succeeded, end.orElseThrow().phase(), "the registered package runs");
        }
        Path two = state.resolve("two.tar.gz");
        Files.write(two, dev.relay.runner.argo.ArgoPackageTest.tarGz(java.util.Map.of("a.yaml", yaml, "b.yaml", yaml)));
        Cli refused = Cli.run("pipeline", "upload", two.toString(), "--state-dir", state.toString());
        assertTrue(refused.exit() != 0);
        assertTrue(refused.err().contains("must hold exactly one .yaml/.yml file"), refused.err());
    }
    @Test
    void withItemsReferencesAreResolvedWhenTheLoopStarts() throws Exception {
        String runId = run(fixture("itemrefs.workflow.yaml"), "second=linus").get("runId").asText();
        assertEquals("ada says: ada! / My name is ada", object(RunLayout.attemptLog(runId, "for-loop-1/0/print", 1)).strip(),
                "a workflow parameter and the DAG's input inside an item; text around {{item.name}}");
        assertEquals("linus says: ada! / Hello from linus", object(RunLayout.attemptLog(runId, "for-loop-1/1/print", 1)).strip(),
                "a task output inside an item, the parameter given on the command line");
        assertTrue(!exists(RunLayout.attemptLog(runId, "for-loop-1/2/print", 1)), "two items, two iterations");
    }

    @Test
    void dependsExpressionsRunOnTheResultsTheyName() throws Exception {
        JsonNode doc = runFailing(fixture("depends.workflow.yaml"));
        String runId = doc.get("runId").asText();
        java.util.Map<String, String> phases = new java.util.HashMap<>();
        doc.get("tasks").forEach(t -> phases.put(t.get("name").asText(), t.path("phase").asText()));
        assertEquals("Failed", doc.get("phase").asText(), "B failed and nothing continues on it: " + phases);
        assertEquals("either ran", object(RunLayout.attemptLog(runId, "either", 1)).strip(), "A.Succeeded || B.Failed");
        assertEquals("handled ran", object(RunLayout.attemptLog(runId, "handled", 1)).strip(), "B.Failed && !A.Failed");
        assertEquals("after-skip ran", object(RunLayout.attemptLog(runId, "after-skip", 1)).strip(), "skip.Skipped");
        assertEquals("Skipped", phases.get("skip"), phases.toString());
        assertEquals("Skipped", phases.get("both"), "(A && B) after B failed: " + phases);
        assertEquals("Skipped", phases.get("a-failed"), "A.Failed after A succeeded: " + phases);
        assertTrue(!exists(RunLayout.attemptLog(runId, "both", 1)) && !exists(RunLayout.attemptLog(runId, "a-failed", 1)));
    }

    @Test
    void dependsResultsRelayCannotTellAreRefusedWithTheirReason() throws Exception {
        String yaml = Files.readString(fixture("depends.workflow.yaml"));
        java.util.Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("A.AnySucceeded", "'A.AnySucceeded': the single iterations of a loop are not visible to depends");
        refused.put("A.Completed", "'A.Completed': Argo has no task result 'Completed'");
        refused.put("B.Errored || A", "'B.Errored': Relay does not tell an error from a non-zero exit: use 'B.Failed'");
        refused.put("(A && B", "'(A && B': a '(' is not closed");
        refused.put("A && nope", "'nope' is not a task of this DAG");
        for (var e : refused.entrySet()) {
            Path f = state.resolve("depends-" + Integer.toHexString(e.getKey().hashCode()) + ".yaml");
            Files.writeString(f, yaml.replace("depends: A.Failed,", "depends: '" + e.getKey() + "',"));
            Cli r = Cli.run("validate", f.toString());
            assertEquals(1, r.exit(), e.getKey() + ": " + r.out() + r.err());
            assertTrue(r.err().contains("spec.templates[0](main).dag.tasks[7].depends: ")
                    && r.err().contains(e.getValue()) && r.err().lines().count() == 1, e.getKey() + ": " + r.err());
        }
    }
    @Test
    void theWorkflowsDeadlineEndsTheRunAndATemplatesDeadlineEndsItsAttempt() throws Exception {
        long t0 = System.nanoTime();
        JsonNode doc = runFailing(fixture("deadline.workflow.yaml"));
        long took = (System.nanoTime() - t0) / 1_000_000;
        String runId = doc.get("runId").asText();
        assertEquals("Failed", doc.get("phase").asText(), doc.toString());
        assertTrue(doc.path("message").asText().startsWith("the run passed its deadline: activeDeadlineSeconds 4 of the Workflow"),
                doc.toString());
        assertTrue(took < 30_000, "the run ended at its deadline, not when 'slow' would have (" + took + " ms)");
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            AttemptStatus capped = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "capped", 1)).orElseThrow(), AttemptStatus.class, "c");
            AttemptStatus slow = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "slow", 1)).orElseThrow(), AttemptStatus.class, "s");
            assertEquals(AttemptStatus.DEADLINE_EXCEEDED, capped.reason(), capped.toString());
            assertTrue(capped.message().startsWith("ended at the task's timeout (1s)"), capped.message());
            assertEquals(AttemptStatus.DEADLINE_EXCEEDED, slow.reason(), slow.toString());
            assertTrue(slow.message().startsWith("ended at the run's deadline ("), slow.message());
            long cappedRan = java.time.Duration.between(java.time.Instant.parse(capped.startedAt()), java.time.Instant.parse(capped.finishedAt())).toMillis();
            assertTrue(cappedRan < 4_000, "capped ended at its own 1 s deadline, before the run's: " + cappedRan + " ms");
            RunStatus status = Json.read(rt.store().get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "status");
            assertEquals(Phase.Skipped, status.tasks().get("after"), status.toString());
        }
        assertTrue(!object(RunLayout.attemptLog(runId, "slow", 1)).contains("slow ended"));
        assertTrue(!object(RunLayout.attemptLog(runId, "capped", 1)).contains("capped ended"));
        assertTrue(!exists(RunLayout.attemptLog(runId, "after", 1)), "nothing starts after the deadline");
    }
    /**
     * The shared packages whose loops read references at run time: {@code ParallelFor} over items
     * built from pipeline parameters and task outputs (each consume prints what its {@code .py}
     * passes), and over a task's list of dicts ({@code item.a} of each).
     */
    @Test
    void sharedLoopsOverItemsWithReferencesRunToTheirEnd() throws Exception {
        Path cases = sharedSeed().getParent().getParent();
        String id = run(cases.resolve("v1_kfp_sdk/parallelfor_pipeline_param_in_items_resolving.yaml"),
                "fname1=ada", "fname2=grace").get("runId").asText();
        List<String> names = List.of("ada", "grace");
        for (int i = 0; i < 2; i++) {
            String n = names.get(i);
            assertEquals("My name is " + n, object(RunLayout.attemptLog(id, "for-loop-2/" + i + "/consume", 1)).strip(),
                    "simple_list item " + i);
            assertEquals(n, object(RunLayout.attemptLog(id, "for-loop-4/" + i + "/consume-2", 1)).strip(), "list_of_dict first_name");
            assertEquals("My name is " + n, object(RunLayout.attemptLog(id, "for-loop-4/" + i + "/consume-3", 1)).strip(),
                    "list_of_dict message");
            assertEquals(n, object(RunLayout.attemptLog(id, "for-loop-6/" + i + "/consume-4", 1)).strip(),
                    "list_of_complex_dict first_name");
            assertEquals("My name is " + n, object(RunLayout.attemptLog(id, "for-loop-6/" + i + "/consume-5", 1)).strip(),
                    "list_of_complex_dict message: produce_message's output");
        }
        assertTrue(!exists(RunLayout.attemptLog(id, "for-loop-2/2/consume", 1)), "two items each");
        String light = run(cases.resolve("v1_argo_workflows/loop_over_lightweight_output_withParam.workflow.yaml"))
                .get("runId").asText();
        for (int i = 0; i < 3; i++) {
            assertEquals(Integer.toString(i + 1), object(RunLayout.attemptLog(light, "for-loop-1/" + i + "/consume-data", 1)).strip(),
                    "one consume per item of produce-list's [1, 2, 3]");
        }
        assertTrue(!exists(RunLayout.attemptLog(light, "for-loop-1/3/consume-data", 1)));
        String dict = run(cases.resolve("v1_kfp_sdk/withparam_output_dict.yaml")).get("runId").asText();
        assertEquals("do output op1 item.a: 1", object(RunLayout.attemptLog(dict, "for-loop-1/0/my-in-cop1", 1)).strip());
        assertEquals("do output op1 item.a: 10", object(RunLayout.attemptLog(dict, "for-loop-1/1/my-in-cop1", 1)).strip());
        assertTrue(!exists(RunLayout.attemptLog(dict, "for-loop-1/2/my-in-cop1", 1)));
        // the list is substituted into the sh -c script, whose quoting then removes the JSON's quotes (as in Argo)
        assertEquals("do output op2, outp: " + value(dict, "my-out-cop0", "out").replace("\"", ""),
                object(RunLayout.attemptLog(dict, "my-out-cop2", 1)).strip());
    }
}
