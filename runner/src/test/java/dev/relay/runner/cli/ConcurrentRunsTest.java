package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two {@code relay run} processes at once on one state dir: two runs, two correct results. */
class ConcurrentRunsTest {
    @TempDir Path state;

    private Process start(int count) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RelayCli.class.getName(),
                "run", RunCommandTest.repo().resolve("examples/random-sum/pipeline.yaml").toString(),
                "-p", "count=" + count, "--json", "--state-dir", state.toString())
                .redirectError(new File(state.toFile(), "err-" + count + ".txt")).start();
    }

    @Test
    void twoProcessesOnOneStateDirEachGetTheirOwnResult() throws Exception {
        Process five = start(5);
        Process seven = start(7);
        List<JsonNode> docs = new ArrayList<>();
        for (Process p : List.of(five, seven)) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), out);
            docs.add(Json.MAPPER.readTree(out));
        }
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            int[] counts = {5, 7};
            for (int i = 0; i < 2; i++) {
                String runId = docs.get(i).get("runId").asText();
                String numbers = new String(rt.store().get(RunLayout.output(runId, "gen", "numbers")).orElseThrow(), StandardCharsets.UTF_8);
                assertEquals(counts[i], numbers.lines().count(), numbers);
                int sum = numbers.lines().mapToInt(Integer::parseInt).sum();
                String printed = new String(rt.store().get(RunLayout.attemptLog(runId, "print", 1)).orElseThrow(), StandardCharsets.UTF_8);
                assertEquals(Integer.toString(sum), printed.strip());
            }
        }
    }
}
