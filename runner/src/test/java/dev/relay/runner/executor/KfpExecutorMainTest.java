package dev.relay.runner.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.relay.runner.contract.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs KFP's own executor ({@code python3 -m kfp.dsl.executor_main}, the SDK 2.15.2 wheel) on the
 * executor input Relay builds, with the lightweight component's command unchanged and the venv from
 * {@link PythonEnvCache} built offline from the shared wheels.
 */
class KfpExecutorMainTest {
    static final Path CACHE = Path.of("target", "test-python-envs").toAbsolutePath();

    static JsonNode seed() throws IOException {
        Path shared = KfpSdk.shared();
        assumeTrue(shared != null, "skipped: ../shared is absent (the seed pipeline compiled by kfp 2.15.2)");
        Path f = shared.resolve("cases/v2_kfp_sdk/seed/random_sum_python_v2.yaml");
        assumeTrue(Files.exists(f), "skipped: " + f + " is absent");
        return V2ExecutorTest.YAML.readTree(f.toFile());
    }

    static ExecutorTask task(JsonNode ir, String name, Map<String, JsonNode> params, Map<String, List<InputArtifact>> arts) {
        return new ExecutorTask(new TaskIdentity("r-kfp", "random-sum", name, name, 1), null,
                ComponentIo.parse("components.comp-" + name, ir.at("/components/comp-" + name)),
                ExecutorSpec.parse("exec-" + name, ir.at("/deploymentSpec/executors/exec-" + name)),
                PlatformSpec.NONE, params, arts);
    }

    /** Runs a prepared execution as the local launcher will: venv first on PATH, pip offline. */
    static String run(PreparedExecution p, Path work) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.putAll(KfpSdk.offlinePip());
        List<String> progress = new ArrayList<>();
        List<List<String>> installs = PythonEnvCache.pipInstalls(p.argv()).orElseThrow();
        Path venv = new PythonEnvCache(CACHE).ensure(installs, env, progress::add);
        env = PythonEnvCache.activate(venv, env);
        env.putAll(p.env());
        for (String o : p.outputParameters().values()) {
            Files.createDirectories(Path.of(o).getParent());
        }
        for (PreparedExecution.OutputArtifact a : p.outputArtifacts().values()) {
            Files.createDirectories(Path.of(a.path()).getParent());
        }
        ProcessBuilder pb = new ProcessBuilder(p.argv()).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), out);
        return out;
    }

    @Test
    void kfpExecutorAcceptsRelaysExecutorInputAndSeedSums(@TempDir Path tmp) throws Exception {
        KfpSdk.wheels();
        JsonNode ir = seed();
        Path w1 = Files.createDirectories(tmp.resolve("generate"));
        PreparedExecution gen = V2Executor.prepare(task(ir, "generate", Map.of("count", LongNode.valueOf(10)), Map.of()),
                new ExecutorLayout.Local("mlpipeline", w1));
        assertEquals(List.of(List.of("--quiet", "--no-warn-script-location", "kfp==2.15.2", "--no-deps",
                "typing-extensions>=3.7.4,<5; python_version<\"3.9\"")), PythonEnvCache.pipInstalls(gen.argv()).orElseThrow());
        run(gen, w1);
        ExecutorResult g = V2Executor.collect(gen);
        Path numbers = Path.of(g.artifacts().get("numbers").path());
        List<Integer> nums = Files.readAllLines(numbers).stream().filter(l -> !l.isBlank()).map(Integer::parseInt).toList();
        assertEquals(10, nums.size());

        // the engine would publish it and hand it on by its store URI; the launcher downloads it
        Path w2 = Files.createDirectories(tmp.resolve("add"));
        String storeUri = "s3://mlpipeline/" + g.artifacts().get("numbers").storeKey();
        PreparedExecution add = V2Executor.prepare(task(ir, "add", Map.of(), Map.of("numbers", List.of(
                new InputArtifact("numbers", storeUri, ArtifactType.parse(null), Json.MAPPER.createObjectNode())))),
                new ExecutorLayout.Local("mlpipeline", w2));
        assertEquals(1, add.downloads().size());
        Path target = Path.of(add.downloads().get(0).path());
        Files.createDirectories(target.getParent());
        Files.copy(numbers, target);
        String log = run(add, w2);
        ExecutorResult a = V2Executor.collect(add);
        int expected = nums.stream().mapToInt(Integer::intValue).sum();
        assertEquals(Integer.toString(expected), Files.readString(Path.of(a.artifacts().get("total").path())));
        assertTrue(log.contains("sum: " + expected), log);
        // nothing was written outside the work dirs
        assertTrue(a.artifacts().get("total").path().startsWith(w2.toString()));
    }

    @Test
    void typedParametersAndOutputsRoundTripThroughKfpsExecutor(@TempDir Path tmp) throws Exception {
        KfpSdk.wheels();
        // a component as kfp 2.15.2 compiles `def f(n: int, x: float, b: bool, l: list, d: dict, s: str) -> NamedTuple(...)`
        String source = """
                import kfp
                from kfp import dsl
                from kfp.dsl import *
                from typing import *

                def f(n: int, x: float, b: bool, l: list, d: dict, s: str, m: Output[Metrics]) -> NamedTuple('Out', [('total', float), ('msg', str), ('items', list), ('ok', bool)]):
                    assert isinstance(n, int) and isinstance(b, bool), (n, b)
                    m.log_metric('accuracy', 0.75)
                    Out = NamedTuple('Out', [('total', float), ('msg', str), ('items', list), ('ok', bool)])
                    return Out(n * x, s + str(d['k']), l + [n], not b)
                """;
        JsonNode ir = V2ExecutorTest.YAML.readTree("""
                components:
                  comp-f:
                    executorLabel: exec-f
                    inputDefinitions:
                      parameters:
                        n: {parameterType: NUMBER_INTEGER}
                        x: {parameterType: NUMBER_DOUBLE}
                        b: {parameterType: BOOLEAN}
                        l: {parameterType: LIST}
                        d: {parameterType: STRUCT}
                        s: {parameterType: STRING}
                    outputDefinitions:
                      artifacts:
                        m: {artifactType: {schemaTitle: system.Metrics, schemaVersion: 0.0.1}}
                      parameters:
                        total: {parameterType: NUMBER_DOUBLE}
                        msg: {parameterType: STRING}
                        items: {parameterType: LIST}
                        ok: {parameterType: BOOLEAN}
                """);
        JsonNode seedExec = seed().at("/deploymentSpec/executors/exec-add/container");
        List<String> command = new ArrayList<>();
        seedExec.get("command").forEach(c -> command.add(c.asText()));
        command.set(command.size() - 1, source);
        var exec = Json.MAPPER.createObjectNode();
        var c = exec.putObject("container");
        c.put("image", "python:3.11");
        command.forEach(c.putArray("command")::add);
        c.putArray("args").add("--executor_input").add("{{$}}").add("--function_to_execute").add("f");
        ExecutorTask t = new ExecutorTask(new TaskIdentity("r-kfp", "p", "f", "f", 1), null,
                ComponentIo.parse("components.comp-f", ir.at("/components/comp-f")), ExecutorSpec.parse("exec-f", exec),
                PlatformSpec.NONE, Map.of("n", ParameterType.NUMBER_INTEGER.parse("3"), "x", ParameterType.NUMBER_DOUBLE.parse("1.5"),
                        "b", ParameterType.BOOLEAN.parse("false"), "l", ParameterType.LIST.parse("[\"a\"]"),
                        "d", ParameterType.STRUCT.parse("{\"k\": 7}"), "s", ParameterType.STRING.parse("v")), Map.of());
        PreparedExecution p = V2Executor.prepare(t, new ExecutorLayout.Local("mlpipeline", tmp));
        run(p, tmp);
        ExecutorResult r = V2Executor.collect(p);
        assertEquals(4.5, r.parameters().get("total").asDouble());
        assertEquals("v7", r.parameters().get("msg").asText());
        assertEquals("[\"a\",3]", r.parameters().get("items").toString());
        assertTrue(r.parameters().get("ok").asBoolean());
        assertEquals(0.75, r.artifacts().get("m").metadata().get("accuracy").asDouble());
    }

    @Test
    void envIsBuiltOnceAndReused(@TempDir Path tmp) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.putAll(KfpSdk.offlinePip());
        PythonEnvCache cache = new PythonEnvCache(tmp.resolve("envs"));
        List<List<String>> installs = List.of(List.of("--quiet", "kfp==2.15.2", "--no-deps"));
        List<String> first = new ArrayList<>();
        Path v1 = cache.ensure(installs, env, first::add);
        assertTrue(first.get(0).startsWith("relay: building a Python environment for [kfp==2.15.2]"), first.toString());
        assertTrue(Files.isExecutable(v1.resolve("bin/python3")));
        assertTrue(Files.exists(v1.resolve("lib/python3.11/site-packages/kfp")) || Files.list(v1.resolve("lib")).findAny().isPresent());
        long stamp = Files.getLastModifiedTime(v1.resolve(".relay-ready")).toMillis();
        List<String> second = new ArrayList<>();
        Path v2 = new PythonEnvCache(tmp.resolve("envs")).ensure(installs, env, second::add);
        assertEquals(v1, v2);
        assertTrue(second.isEmpty(), "a reused venv builds nothing: " + second);
        assertEquals(stamp, Files.getLastModifiedTime(v2.resolve(".relay-ready")).toMillis());
        // another package set is another venv
        Path v3 = cache.ensure(List.of(List.of("kfp==2.15.2", "--no-deps", "typing-extensions")), env, l -> {});
        assertFalse(v3.equals(v1));
        Map<String, String> active = PythonEnvCache.activate(v1, Map.of("PATH", "/usr/bin"));
        assertEquals(v1.resolve("bin") + ":/usr/bin", active.get("PATH"));
    }

    @Test
    void anUnsatisfiablePinFailsWithPipsOwnMessage(@TempDir Path tmp) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.putAll(KfpSdk.offlinePip());
        PythonEnvCache cache = new PythonEnvCache(tmp.resolve("envs"));
        ExecutorException e = assertThrows(ExecutorException.class,
                () -> cache.ensure(List.of(List.of("--quiet", "kfp==2.7.0", "--no-deps")), env, l -> {}));
        assertEquals("LaunchFailed", e.reason());
        assertTrue(e.getMessage().startsWith("pip install --quiet kfp==2.7.0 --no-deps failed (exit code 1): ERROR: "), e.getMessage());
        assertTrue(e.getMessage().contains("kfp==2.7.0"), e.getMessage());
        // the failed build leaves no ready venv behind
        assertThrows(ExecutorException.class, () -> cache.ensure(List.of(List.of("kfp==2.7.0", "--no-deps")), env, l -> {}));
    }

    @Test
    void onlyLightweightComponentsGetAVenv() {
        assertTrue(PythonEnvCache.pipInstalls(List.of("python3", "-c", "print(1)")).isEmpty());
        assertTrue(PythonEnvCache.pipInstalls(List.of("sh", "-c", "pip install x && \"$0\" \"$@\"", "python3", "app.py")).isEmpty());
        assertEquals(List.of(List.of("kfp==2.15.2"), List.of("--index-url", "https://x/simple", "numpy")),
                PythonEnvCache.pipInstalls(List.of("sh", "-c",
                        "python3 -m pip install 'kfp==2.15.2' && python3 -m pip install --index-url https://x/simple 'numpy' && \"$0\" \"$@\"\n",
                        "sh", "-ec", "python3 -m kfp.dsl.executor_main")).orElseThrow());
    }
}
