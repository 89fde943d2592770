package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fileOutputs at absolute paths: each execution has its own view of them (a private mount namespace). */
class IsolatedOutputsTest {
    @TempDir Path state;

    private static boolean isolationAvailable() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void concurrentTasksWritingTheSameAbsolutePathEachPublishTheirOwn() throws Exception {
        assumeTrue(isolationAvailable(), "skipped: this machine allows no private mount namespace (unshare -m needs root); "
                + "Relay then refuses components with absolute fileOutputs, saying why");
        boolean hostHadFile = Files.exists(Path.of("/mlpipeline-metrics.json"));
        Cli r = Cli.run("run", RunCommandTest.pipeline("two-metrics.yaml").toString(), "--json", "--state-dir", state.toString());
        assertEquals(0, r.exit(), r.err());
        String runId = Json.MAPPER.readTree(r.out()).get("runId").asText();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            for (String[] t : new String[][] {{"low", "0.25"}, {"high", "0.75"}}) {
                JsonNode metrics = Json.MAPPER.readTree(rt.store().get(RunLayout.metrics(runId, t[0])).orElseThrow());
                assertEquals(Double.parseDouble(t[1]), metrics.get("metrics").get(0).get("numberValue").asDouble(), t[0]);
                assertEquals("value " + t[1] + "\n",
                        new String(rt.store().get(RunLayout.output(runId, t[0], "Text")).orElseThrow(), StandardCharsets.UTF_8));
            }
        }
        if (!hostHadFile) {
            assertFalse(Files.exists(Path.of("/mlpipeline-metrics.json")), "the host's / was not touched");
        }
    }
}
