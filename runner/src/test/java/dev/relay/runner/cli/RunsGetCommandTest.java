package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The human output of {@code relay runs get RUN} and {@code relay runs watch RUN} on runs made with {@code relay run} (real processes). */
class RunsGetCommandTest {
    @TempDir Path state;

    private String run(Path pipeline, int exit, String... params) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", pipeline.toString(), "--state-dir", state.toString(), "--json"));
        for (String p : params) {
            args.add("-p");
            args.add(p);
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.err());
        return Json.MAPPER.readTree(r.out()).get("runId").asText();
    }

    private List<String> tasks(String runId) {
        Cli r = Cli.run("runs", "get", runId, "--state-dir", state.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        int from = lines.indexOf("tasks");
        assertTrue(from >= 0, r.out());
        int to = from + 1;
        while (to < lines.size() && lines.get(to).startsWith(" ")) {
            to++;
        }
        return lines.subList(from + 1, to);
    }

    @Test
    void aFailedTaskShowsItsReasonAndMessageUnderItsLine() throws Exception {
        String runId = run(RunCommandTest.pipeline("fail-then-skip.yaml"), 1);
        List<String> tasks = tasks(runId);
        int breaks = -1;
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).strip().startsWith("breaks ")) {
                breaks = i;
            }
        }
        assertTrue(breaks >= 0 && breaks + 1 < tasks.size(), String.join("\n", tasks));
        assertEquals("    Error: exit code 3", tasks.get(breaks + 1), String.join("\n", tasks));
        // a task that did not fail has no such line
        assertTrue(tasks.stream().noneMatch(l -> l.contains("side") && l.contains("Error")), String.join("\n", tasks));

        String missing = run(RunCommandTest.pipeline("missing-exe.yaml"), 1);
        String all = String.join("\n", tasks(missing));
        assertTrue(all.contains("ExecutableNotFound: executable not found: relay-no-such-program-xyz"), all);
    }

    @Test
    void watchShowsNoAttemptNumberBeforeAFirstAttempt() throws Exception {
        String runId = run(RunCommandTest.pipeline("fail-then-skip.yaml"), 1);
        Cli w = Cli.run("runs", "watch", runId, "--state-dir", state.toString());
        assertEquals(1, w.exit(), w.err());
        List<String> lines = w.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("breaks +Failed +attempt 1  exit 3")), w.out());
        assertTrue(lines.contains("after                    Skipped"), w.out());
        assertTrue(lines.stream().noneMatch(l -> l.contains("attempt 0")), w.out());
    }

    @Test
    void loopsPrintParentsBeforeChildrenWithIterationsLabelled(@TempDir Path lockdir) throws Exception {
        String runId = run(Path.of("src/test/resources/v2run/loops.yaml").toAbsolutePath(), 0, "lockdir=" + lockdir);
        List<String> names = tasks(runId).stream().map(l -> l.replaceAll("^(\\s*\\S+).*", "$1")).toList();
        assertEquals(List.of(
                "  for-loop-1", "    [0]", "      exclusive", "    [1]", "      exclusive", "    [2]", "      exclusive",
                "  for-loop-2", "    [0]", "      sleepy", "    [1]", "      sleepy", "    [2]", "      sleepy",
                "  collect-1", "  collect-2"), names);
        // --json keeps the engine's order and full task paths
        JsonNode doc = Json.MAPPER.readTree(Cli.run("runs", "get", runId, "--json", "--state-dir", state.toString()).out());
        assertEquals("for-loop-1/0/exclusive", doc.get("tasks").get(0).get("name").asText());
    }

    @Test
    void theReasonLineIsOneLineOfAtMost200Characters() {
        var t = new dev.relay.runner.run.RunView.TaskView("t", dev.relay.runner.engine.Phase.Failed, 1, 1, "Error",
                "first line\n  second line\n" + "x".repeat(400), java.util.Map.of(), null, null, null);
        String why = RunsCommand.GetRun.failure(t);
        assertTrue(why.startsWith("Error: first line | second line | xxx"), why);
        assertEquals(200, why.length(), why);
        assertTrue(why.endsWith("..."), why);
        var ok = new dev.relay.runner.run.RunView.TaskView("t", dev.relay.runner.engine.Phase.Succeeded, 1, 0, null,
                null, java.util.Map.of(), null, null, null);
        assertEquals(null, RunsCommand.GetRun.failure(ok));
    }
}
