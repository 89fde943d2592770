package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a new user tried first and saw fail (issue "One spine"): each case failed before its fix. */
class FirstUseTest {
    @TempDir Path dir;

    private Path state() {
        return dir.resolve("state");
    }

    @Test
    void aFileUrlComponentRefValidatesAndRuns() throws Exception {
        Path src = RunCommandTest.repo().resolve("examples/random-sum");
        for (String c : List.of("generate", "sum", "print")) {
            Files.copy(src.resolve(c + ".component.yaml"), dir.resolve(c + ".component.yaml"));
        }
        String pipeline = Files.readString(src.resolve("pipeline.yaml"))
                .replace("{url: generate.component.yaml}", "{url: \"file:generate.component.yaml\"}")
                .replace("{url: sum.component.yaml}", "{url: \"file:./sum.component.yaml\"}")
                .replace("{url: print.component.yaml}", "{url: \"" + dir.resolve("print.component.yaml").toUri() + "\"}");
        assertTrue(pipeline.contains("file:generate") && pipeline.contains("file:///"), pipeline);
        Path file = Files.writeString(dir.resolve("pipeline.yaml"), pipeline);

        Cli v = Cli.run("validate", file.toString());
        assertEquals(0, v.exit(), v.err());
        Cli r = Cli.run("run", file.toString(), "-p", "count=4", "--state-dir", state().toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Succeeded", Json.MAPPER.readTree(r.out()).get("phase").asText(), r.out());
        Cli u = Cli.run("pipeline", "upload", file.toString(), "--state-dir", state().toString());
        assertEquals(0, u.exit(), u.err());
    }

    @Test
    void everyCommandAnswersHelpAndTheRootItsVersion() {
        List<List<String>> paths = new ArrayList<>();
        collect(RelayCli.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() > 15, paths.toString());
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli c = Cli.run(args.toArray(String[]::new));
            assertEquals(0, c.exit(), path + ": " + c.err());
            assertTrue(c.out().startsWith("Usage: relay"), path + ": " + c.out());
        }
        Cli v = Cli.run("--version");
        assertEquals(0, v.exit(), v.err());
        assertTrue(v.out().matches("relay \\d+\\.\\d+\\.\\d+.*\\R"), v.out());
        CommandLine.Model.OptionSpec version = RelayCli.commandLine().getSubcommands().get("pipeline")
                .getSubcommands().get("upload").getCommandSpec().findOption("--version");
        assertNotNull(version, "pipeline upload keeps its own --version V");
        assertFalse(version.versionHelp());
        assertEquals(1, version.arity().max());
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (!e.getKey().equals(e.getValue().getCommandName())) {
                continue; // an alias
            }
            List<String> p = new ArrayList<>(prefix);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void runJsonPrintsAnErrorDocumentWhenItCannotStart() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "name: x\nimplementation:\n  container: {image: a, command: [echo, {inputValue: nope}]}\n");
        Cli invalid = Cli.run("run", bad.toString(), "--json", "--state-dir", state().toString());
        assertEquals(2, invalid.exit());
        JsonNode doc = Json.MAPPER.readTree(invalid.out());
        assertTrue(doc.get("error").asText().startsWith(bad + ":3:"), invalid.out());
        assertTrue(doc.get("error").asText().contains("nope"), invalid.out());
        assertEquals(doc.get("error"), doc.get("errors").get(0));

        Cli missing = Cli.run("run", RunCommandTest.pipeline("flaky.yaml").toString(), "--json", "--state-dir", state().toString());
        assertEquals(2, missing.exit());
        assertTrue(Json.MAPPER.readTree(missing.out()).get("error").asText().contains("missing parameter 'counter'"), missing.out());

        Cli absent = Cli.run("run", dir.resolve("absent.yaml").toString(), "--json", "--state-dir", state().toString());
        assertEquals(2, absent.exit());
        assertTrue(Json.MAPPER.readTree(absent.out()).get("error").asText().contains("no such file"), absent.out());

        Cli usage = Cli.run("run", bad.toString(), "--json", "--nope");
        assertEquals(2, usage.exit());
        assertTrue(Json.MAPPER.readTree(usage.out()).get("error").asText().contains("--nope"), usage.out());
        assertFalse(Files.exists(state().resolve("s3")), "nothing was started");
    }

    @Test
    void theStoredTaskLogHoldsTheBytesTheProcessWrote() throws Exception {
        Path c = Files.writeString(dir.resolve("bytes.component.yaml"), """
                name: bytes
                implementation:
                  container:
                    image: alpine
                    command: [printf, 'a\\r\\nb\\377']
                """);
        Cli r = Cli.run("run", c.toString(), "--json", "--state-dir", state().toString());
        assertEquals(0, r.exit(), r.err());
        String runId = Json.MAPPER.readTree(r.out()).get("runId").asText();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state(), 0, LaunchListener.NONE)) {
            byte[] log = rt.store().get(RunLayout.attemptLog(runId, "bytes", 1)).orElseThrow();
            assertArrayEquals(new byte[] {'a', '\r', '\n', 'b', (byte) 0xff}, log, new String(log, StandardCharsets.ISO_8859_1));
        }
        assertTrue(r.err().contains("[bytes] a\n") && r.err().contains("[bytes] b\uFFFD\n"), r.err());
    }

    @Test
    void compiledKfpFilesAreNamedInOneLine() throws Exception {
        Path v2 = Files.writeString(dir.resolve("v2.yaml"), """
                # PIPELINE DEFINITION
                components:
                  comp-hello: {executorLabel: exec-hello}
                deploymentSpec:
                  executors:
                    exec-hello: {container: {image: alpine, command: [echo, hi]}}
                pipelineInfo: {name: hello}
                root:
                  dag:
                    tasks:
                      hello: {componentRef: {name: comp-hello}, taskInfo: {name: hello}}
                schemaVersion: 2.1.0
                sdkVersion: kfp-2.15.2
                """);
        Path v2Multi = Files.writeString(dir.resolve("v2-platform.yaml"), Files.readString(v2)
                + "---\nplatforms:\n  kubernetes:\n    deploymentSpec: {executors: {}}\n");
        Path argo = Files.writeString(dir.resolve("wf.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {generateName: hello-}
                spec:
                  entrypoint: hello
                  templates:
                  - name: hello
                    container: {image: alpine, command: [echo, hi]}
                """);
        Cli compiledV1 = Cli.run("validate", argo.toString());
        assertEquals(0, compiledV1.exit(), "KFP 1.8 packages are accepted now: " + compiledV1.err());
        for (Path f : List.of(v2, v2Multi)) {
            Cli v = Cli.run("validate", f.toString());
            assertEquals(0, v.exit(), "KFP v2 pipeline specs are accepted now: " + v.err());
        }
    }
}
