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

    /**
     * With {@code RELAY_S3_ENDPOINT} set, the pipeline goes to that endpoint's bucket (as every
     * other command's does), not to the embedded store of the state dir. Runs the CLI in a child
     * JVM, since the environment of this one cannot be changed.
     */
    @Test
    void uploadHonoursTheS3Endpoint() throws Exception {
        Path remote = state.resolve("remote");
        try (dev.relay.runner.store.EmbeddedS3Server server = dev.relay.runner.store.EmbeddedS3Server.start(
                remote, "127.0.0.1", 0, "k-remote", "s-remote", n -> { })) {
            server.store("shared").ensureBucket();
            String seed = RunCommandTest.repo().resolve("examples/random-sum/pipeline.yaml").toString();
            Path local = state.resolve("local");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), RelayCli.class.getName(),
                    "pipeline", "upload", seed, "--version", "v1", "--state-dir", local.toString());
            pb.environment().put("RELAY_S3_ENDPOINT", server.endpoint().toString());
            pb.environment().put("RELAY_BUCKET", "shared");
            pb.environment().put("RELAY_S3_ACCESS_KEY", "k-remote");
            pb.environment().put("RELAY_S3_SECRET_KEY", "s-remote");
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            assertTrue(output.contains("s3://shared/pipelines/random-sum/v1/pipeline.yaml"), output);
            assertTrue(server.store("shared").stat("pipelines/random-sum/v1/pipeline.yaml").isPresent(), "stored at the endpoint");
            assertTrue(!Files.exists(local.resolve("s3")), "nothing in the state dir's embedded store");
        }
    }
}
