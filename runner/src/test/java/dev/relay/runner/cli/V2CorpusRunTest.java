package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.executor.KfpSdk;
import dev.relay.runner.pipeline.PythonPipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host-runnable pipelines of {@code ../shared/cases/v2_kfp_sdk}, recompiled from their sources with
 * the real SDK 2.15.2 (so their {@code pip install kfp==2.15.2} is met by the offline wheels) and run
 * by {@code relay run} in a child JVM with the user's offline pip configuration, each to its
 * expected end with outputs checked against what the Python source computes. {@link #VERIFY} runs
 * in {@code verify}; {@link #everyHostRunnablePipeline} (tag {@code slow}, Maven profile
 * {@code slow}) runs them all, the sleepers of {@link #SLEEPERS} included.
 */
class V2CorpusRunTest {
    @TempDir static Path state;
    @TempDir Path scratch;
    /** The stderr of the last {@link #run}, kept for a failure's report. */
    Path lastErr;

    /**
     * One case: the corpus YAML (its source is recompiled), parameters, the exit code, and expected
     * output parameters: task path → (output → JSON text of the value).
     */
    record Case(String yaml, Map<String, String> params, int exit, Map<String, Map<String, String>> outputs,
                Map<String, String> logs) {
        Case(String yaml, Map<String, String> params, int exit, Map<String, Map<String, String>> outputs) {
            this(yaml, params, exit, outputs, Map.of());
        }
    }

    /** A representative subset (bounded for verify): a lightweight Python component, a container component, a failure by design. */
    static final List<Case> VERIFY = List.of(
            new Case("critical__add_numbers.yaml", Map.of("a", "2", "b", "40"), 0, Map.of("add-numbers", Map.of("Output", "42"))),
            new Case("critical__two_step_pipeline_containerized.yaml", Map.of("text", "relay"), 0, Map.of()),
            new Case("failing__fail_v2.yaml", Map.of(), 1, Map.of()));

    /**
     * Pipelines that sleep for minutes by design: only in the slow profile ({@code long_running}: two
     * 5-minute sleeps in a row; {@code log_streaming}: prints for a minute); the naps run shorter ({@link #SHORTER}).
     */
    static final List<String> SLEEPERS = List.of("valid__long_running.yaml", "valid__take_nap.yaml",
            "valid__take_nap_pipeline_root.yaml", "valid__log_streaming.yaml");

    /**
     * The slow run's cases beyond {@link #VERIFY}: pipelines whose inputs have no default get values,
     * and the outputs (and printed lines: task path → text in its log) are what the Python source
     * computes from them. A value {@code @file:TEXT} is a file holding TEXT (an input artifact).
     */
    static final List<Case> SLOW = List.of(
            new Case("essential__concat_message.yaml", Map.of("message1", "foo", "message2", "bar"), 0,
                    Map.of("concat-message", Map.of("Output", "\"foobar\""))),
            new Case("essential__lightweight_python_functions_pipeline.yaml", Map.of("message", "hello"), 0,
                    Map.of("preprocess", Map.of("output_parameter_path", "\"hello\"", "output_bool_parameter_path", "true",
                            "output_dict_parameter_path", "{\"A\":1,\"B\":2}", "output_list_parameter_path", "[\"a\",\"b\",\"c\"]"))),
            new Case("essential__lightweight_python_functions_with_outputs.yaml", Map.of("first_message", "a",
                    "second_message", "b", "first_number", "1", "second_number", "2"), 0,
                    Map.of("concat-message", Map.of("Output", "\"ab\""), "add-numbers", Map.of("Output", "3"),
                            "output-named-tuple", Map.of("scalar", "\"123\""))),
            new Case("essential__pipeline_with_loops.yaml", Map.of("loop_parameter", "[\"x\", \"y\"]"), 0,
                    Map.of("args-generator-op", Map.of("Output", "[{\"A_a\":\"1\",\"B_b\":\"2\"},{\"A_a\":\"10\",\"B_b\":\"20\"}]"))),
            new Case("valid__arguments_parameters.yaml", Map.of("param1", "hello", "param2", "world"), 0, Map.of(),
                    Map.of("echo", "hello-world")),
            new Case("valid__component_with_metadata_fields.yaml", Map.of("dataset_a", "@file:abc", "dataset_b", "@file:def"), 0,
                    Map.of("dataset-joiner", Map.of("Output", "\"abcdef\""))),
            new Case("valid__component_with_task_final_status.yaml",
                    Map.of("status", "{\"state\": \"FAILED\", \"pipelineTaskName\": \"t\", \"error\": {}}"), 0, Map.of(),
                    Map.of("exit-comp", "state='FAILED'")),
            new Case("valid__dict_input.yaml", Map.of("struct", "{\"a\": 1}"), 0, Map.of(), Map.of("dict-input", "{'a': 1}")),
            new Case("valid__identity.yaml", Map.of("value", "relay"), 0, Map.of("identity", Map.of("Output", "\"relay\""))),
            new Case("valid__input_artifact.yaml", Map.of("data", "@file:data"), 0, Map.of(), Map.of("input-artifact", "/inputs/0-data/0/data\n{}")),
            new Case("valid__pipeline_with_metadata_fields.yaml", Map.of("string", "abc", "in_dataset", "@file:def"), 0,
                    Map.of("dataset-joiner", Map.of("Output", "\"abcdef\""))),
            new Case("valid__preprocess.yaml", Map.of("message", "hi", "input_dict_parameter", "{\"a\": 1}",
                    "input_list_parameter", "[\"x\"]"), 0,
                    Map.of("preprocess", Map.of("output_parameter_path", "\"hi\"", "output_bool_parameter_path", "true",
                            "output_dict_parameter_path", "{\"a\":1}", "output_list_parameter_path", "[\"x\"]"))),
            new Case("valid__sequential_v1.yaml", Map.of("param1", "one", "param2", "two"), 0, Map.of(),
                    Map.of("echo", "one", "echo-2", "two")),
            new Case("valid__env_var.yaml", Map.of("env_var", "HOME"), 0, Map.of()),
            new Case("critical__pipeline_with_placeholders.yaml", Map.of(), 0, Map.of(),
                    Map.of("print-all-placeholders", "pipeline-with-placeholders-r-")),
            // they load components the corpus stores compiled by kfp 2.14.6 (pip install kfp==2.14.6), which
            // the offline wheels cannot satisfy: the task fails with pip's own message, as the issue says
            new Case("essential__pipeline_in_pipeline_loaded_from_yaml.yaml", Map.of(), 1, Map.of(),
                    Map.of("print-op1", "Could not find a version that satisfies the requirement kfp==2.14.6")),
            new Case("essential__pipeline_with_reused_component.yaml", Map.of(), 1, Map.of(),
                    Map.of("add-numbers", "Could not find a version that satisfies the requirement kfp==2.14.6")),
            new Case("critical__two_step_pipeline_containerized.yaml", Map.of("text", "relay"), 0, Map.of()));

    /** Sleepers with a parameter for how long: run with a short value (their sources default to 15 minutes). */
    static final Map<String, Map<String, String>> SHORTER = Map.of(
            "valid__take_nap.yaml", Map.of("naptime_secs", "2"),
            "valid__take_nap_pipeline_root.yaml", Map.of("naptime_secs", "2"));

    static Path corpus() {
        Path s = KfpSdk.shared();
        org.junit.jupiter.api.Assumptions.assumeTrue(s != null && Files.isDirectory(s.resolve("cases/v2_kfp_sdk")),
                "skipped: ../shared/cases/v2_kfp_sdk is absent");
        return s.resolve("cases/v2_kfp_sdk");
    }

    /** Recompiles the sources of {@code yamls} with the real SDK; returns yaml name → compiled file. */
    static Map<String, Path> compile(List<String> yamls) throws Exception {
        Path corpus = corpus();
        Path venv = KfpSdk.venv();
        Path root = Path.of("target", "v2-corpus-run-src").toAbsolutePath();
        Path valid = dev.relay.runner.pipeline.V2CorpusTestAccess.sourceTree(corpus, root);
        Path out = Path.of("target", "v2-corpus-run").toAbsolutePath();
        List<PythonPipeline.Job> jobs = new ArrayList<>();
        for (String y : yamls) {
            String src = y.replaceFirst("\\.yaml$", ".py");
            String name = y.equals("critical__artifact_crust.yaml") ? "crust"
                    : dev.relay.runner.pipeline.IrReader.read(Files.readString(corpus.resolve(y)), y).model().name();
            jobs.add(new PythonPipeline.Job(dev.relay.runner.pipeline.V2CorpusTestAccess.inTree(valid, src), out.resolve(y), name));
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.put("RELAY_PYTHON", venv.resolve("bin/python").toString());
        env.put("PYTHONPATH", root.toString());
        Map<String, Path> compiled = new LinkedHashMap<>();
        for (PythonPipeline.Result r : PythonPipeline.compileAll(jobs, env)) {
            assertTrue(r.ok(), r.source() + ": " + r.error());
            compiled.put(r.output().getFileName().toString(), r.output());
        }
        return compiled;
    }

    /** {@code relay run FILE --json} in a child JVM with the offline wheels as the user's pip configuration. */
    JsonNode run(Path file, Map<String, String> params, int exit) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RelayCli.class.getName(), "run", file.toString(),
                "--state-dir", state.toString(), "--json"));
        params.forEach((k, v) -> cmd.addAll(List.of("-p", k + "=" + v)));
        Path err = scratch.resolve("err.txt");
        lastErr = err;
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        pb.environment().put("PIP_FIND_LINKS", KfpSdk.wheels().toString());
        pb.environment().put("PIP_NO_INDEX", "1");
        pb.environment().put("PIP_CONFIG_FILE", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.MINUTES));
        assertEquals(exit, p.exitValue(), file.getFileName() + ": " + out + Files.readString(err));
        return Json.MAPPER.readTree(out);
    }

    void check(Case c, Path file) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : c.params().entrySet()) {
            String v = p.getValue();
            if (v.startsWith("@file:")) {
                Path f = scratch.resolve(p.getKey() + ".txt");
                Files.writeString(f, v.substring("@file:".length()));
                v = "@" + f;
            }
            params.put(p.getKey(), v);
        }
        JsonNode doc = run(file, params, c.exit());
        String runId = doc.path("runId").asText();
        for (Map.Entry<String, Map<String, String>> t : c.outputs().entrySet()) {
            Path status = state.resolve("store").resolve("mlpipeline").resolve(RunLayout.attemptStatus(runId, t.getKey(), 1));
            if (!Files.exists(status)) {
                status = findStatus(runId, t.getKey());
            }
            AttemptStatus s = Json.read(Files.readAllBytes(status), AttemptStatus.class, status.toString());
            for (Map.Entry<String, String> o : t.getValue().entrySet()) {
                assertEquals(o.getValue(), String.valueOf(s.parameters().get(o.getKey())), c.yaml() + " " + t.getKey() + "." + o.getKey());
            }
        }
        for (Map.Entry<String, String> l : c.logs().entrySet()) {
            String log = Files.readString(find(RunLayout.attemptLog(runId, l.getKey(), 1)));
            assertTrue(log.contains(l.getValue()), c.yaml() + " " + l.getKey() + " prints " + l.getValue() + ": " + log);
        }
    }

    /** The attempt status of a task in the state dir's bucket, wherever the store keeps its files. */
    Path findStatus(String runId, String task) throws Exception {
        return find(RunLayout.attemptStatus(runId, task, 1));
    }

    /** An object of the state dir's bucket by its key, wherever the store keeps its files. */
    Path find(String suffix) throws Exception {
        try (var s = Files.walk(state)) {
            return s.filter(p -> p.toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + suffix + " under " + state));
        }
    }

    @Test
    void representativeHostRunnablePipelinesRunToTheirExpectedEnd() throws Exception {
        Map<String, Path> compiled = compile(VERIFY.stream().map(Case::yaml).toList());
        for (Case c : VERIFY) {
            check(c, compiled.get(c.yaml()));
        }
    }

    @Test
    void aPipelineThisHostCannotRunIsRefusedBeforeLaunchNamingTheMissingThing() throws Exception {
        Path corpus = corpus();
        Cli gcs = Cli.run("run", corpus.resolve("valid__sequential_v2.yaml").toString(), "-p", "url=gs://b/x",
                "--state-dir", scratch.toString(), "--json");
        assertEquals(2, gcs.exit(), gcs.err());
        assertTrue(gcs.err().contains("executor exec-download (image google/cloud-sdk): needs Google Cloud Storage: runs gsutil"), gcs.err());
        assertTrue(Json.MAPPER.readTree(gcs.out()).path("error").asText().contains("this host cannot run the pipeline"), gcs.out());
        Cli image = Cli.run("run", corpus.resolve("valid__container_io.yaml").toString(), "-p", "text=x",
                "--state-dir", scratch.toString());
        assertEquals(2, image.exit(), image.err());
        assertTrue(image.err().contains("'my_program'"), image.err());
        try (var files = Files.walk(scratch)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith("run.json")), "nothing was written");
        }
    }

    @Test
    void aPythonFileRunsWithTheUsersSdkOrSaysHowToInstallIt() throws Exception {
        Path src = scratch.resolve("hello.py");
        Files.writeString(src, """
                from kfp import dsl

                @dsl.container_component
                def hello(name: str):
                    return dsl.ContainerSpec(image='alpine', command=['echo'], args=['hello', name])

                @dsl.pipeline
                def greet(name: str = 'relay'):
                    hello(name=name)
                """);
        Path noKfp = scratch.resolve("python-without-kfp");
        Files.writeString(noKfp, "#!/bin/sh\nexec python3 -I -S \"$@\"\n");
        noKfp.toFile().setExecutable(true);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RelayCli.class.getName(), "run", src.toString(),
                "--state-dir", scratch.resolve("state").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("RELAY_PYTHON", noKfp.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("pip install kfp") && out.contains("No module named 'kfp'"), out);

        pb.environment().put("RELAY_PYTHON", KfpSdk.venv().resolve("bin/python").toString());
        pb.command(new ArrayList<>(cmd)).command().addAll(List.of("-p", "name=corpus"));
        p = pb.start();
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("relay: compiled greet of " + src), out);
        assertTrue(out.contains("hello corpus"), out);
    }

    @Test
    @Tag("slow")
    void everyHostRunnablePipeline() throws Exception {
        Path corpus = corpus();
        Map<String, dev.relay.runner.pipeline.V2CorpusTestAccess.Row> rows = dev.relay.runner.pipeline.V2CorpusTestAccess.index(corpus);
        List<String> runnable = new ArrayList<>();
        rows.forEach((yaml, row) -> {
            if (!yaml.startsWith("seed/") && dev.relay.runner.pipeline.V2CorpusTestAccess.expectedToRun(row)
                    && !row.recompiles().contains("no: needs")) {
                runnable.add(yaml);
            }
        });
        String only = System.getProperty("relay.v2corpus.only", "");
        if (!only.isBlank()) {
            // -Drelay.v2corpus.only=a.yaml,b.yaml: a subset, e.g. to check one fix
            runnable.retainAll(List.of(only.split(",")));
        }
        Map<String, Path> compiled = compile(runnable);
        List<String> failures = new ArrayList<>();
        for (String y : runnable) {
            Case known = java.util.stream.Stream.concat(VERIFY.stream(), SLOW.stream()).filter(c -> c.yaml().equals(y))
                    .findFirst().orElse(null);
            int exit = y.startsWith("failing__") || y.equals("valid__pipeline_as_exit_task.yaml") ? 1 : 0;
            Map<String, String> params = SHORTER.getOrDefault(y, Map.of());
            long t0 = System.nanoTime();
            try {
                check(known != null ? known : new Case(y, params, exit, Map.of()), compiled.get(y));
                System.out.printf("v2 corpus: ok   %s (%ds)%n", y, (System.nanoTime() - t0) / 1_000_000_000L);
            } catch (AssertionError | Exception e) {
                failures.add(y + ": " + e.getMessage().lines().limit(3).toList());
                System.out.printf("v2 corpus: FAIL %s (%ds): %s%n", y, (System.nanoTime() - t0) / 1_000_000_000L, e.getMessage());
                if (lastErr != null && Files.exists(lastErr)) {
                    Path keep = Path.of("target", "v2-corpus-run-logs", y + ".err");
                    Files.createDirectories(keep.getParent());
                    Files.copy(lastErr, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        System.out.println("v2_kfp_sdk host-runnable pipelines run: " + (runnable.size() - failures.size()) + " of " + runnable.size());
        assertEquals(List.of(), failures);
    }
}
