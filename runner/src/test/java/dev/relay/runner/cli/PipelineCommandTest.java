package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay pipeline upload} on the embedded store of a state dir. */
class PipelineCommandTest {
    @TempDir Path state;

    @Test
    void uploadRegistersTheSeedAndIsIdempotent() throws Exception {
        String seed = RunCommandTest.repo().resolve("examples/random-sum/pipeline.yaml").toString();
        Cli r = Cli.run("pipeline", "upload", seed, "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = Json.MAPPER.readTree(r.out());
        assertEquals("random-sum", doc.get("name").asText());
        String version = doc.get("version").asText();
        assertEquals(12, version.length());
        assertTrue(doc.get("created").asBoolean());
        Path stored = state.resolve("s3/mlpipeline/pipelines/random-sum/" + version + "/pipeline.yaml");
        assertTrue(Files.isRegularFile(stored), stored.toString());

        Cli again = Cli.run("pipeline", "upload", seed, "--state-dir", state.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().startsWith("already registered pipeline random-sum version " + version), again.out());

        Cli named = Cli.run("pipeline", "upload", seed, "--name", "seed", "--version", "v1", "--state-dir", state.toString());
        assertEquals(0, named.exit(), named.err());
        assertTrue(Files.isRegularFile(state.resolve("s3/mlpipeline/pipelines/seed/v1/pipeline.yaml")));
    }

    @Test
    void badInputGivesAClearErrorAndExitCode() throws Exception {
        Path bad = state.resolve("bad.yaml");
        Files.writeString(bad, "name: x\nimplementation: {container: {}}\n");
        Cli r = Cli.run("pipeline", "upload", bad.toString(), "--state-dir", state.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith(bad.toString() + ":"), r.err());
        Cli missing = Cli.run("pipeline", "upload", state.resolve("none.yaml").toString(), "--state-dir", state.toString());
        assertEquals(2, missing.exit());
        Cli badName = Cli.run("pipeline", "upload", RunCommandTest.repo().resolve("examples/random-sum/pipeline.yaml").toString(),
                "--name", "a/b", "--state-dir", state.toString());
        assertEquals(2, badName.exit(), badName.err());
        assertTrue(badName.err().contains("name 'a/b'"), badName.err());
    }
}
