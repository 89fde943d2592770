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
    record Case(String yaml, Map<String, String> params, int exit, Map<String, Map<String, String>> outputs) {}

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
        JsonNode doc = run(file, c.params(), c.exit());
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
    }

    /** The attempt status of a task in the state dir's bucket, wherever the store keeps its files. */
    Path findStatus(String runId, String task) throws Exception {
        String suffix = RunLayout.attemptStatus(runId, task, 1);
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
        Map<String, Path> compiled = compile(runnable);
        List<String> failures = new ArrayList<>();
        for (String y : runnable) {
            Case known = VERIFY.stream().filter(c -> c.yaml().equals(y)).findFirst().orElse(null);
            int exit = y.startsWith("failing__") || y.equals("valid__pipeline_as_exit_task.yaml") ? 1 : 0;
            Map<String, String> params = y.equals("valid__env_var.yaml") ? Map.of("env_var", "HOME")
                    : y.equals("critical__two_step_pipeline_containerized.yaml") ? Map.of("text", "relay")
                    : SHORTER.getOrDefault(y, Map.of());
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
