package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay trigger test} on the example triggers and events: exit 0 match, 1 none, 2 error. */
class TriggerCommandTest {
    @TempDir Path dir;
    static final Path EX = RunCommandTest.repo().resolve("examples/triggers");

    @Test
    void uploadMatchesWithDecodedKey() throws Exception {
        Cli r = Cli.run("trigger", "test", EX.resolve("new-dataset.yaml").toString(), EX.resolve("events/upload.json").toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = Json.MAPPER.readTree(r.out());
        assertEquals("s3://mlpipeline/datasets/iris v2+final.csv", doc.get("parameters").get("dataset").asText());
    }

    @Test
    void driftMatchesAndMapsData() throws Exception {
        Cli r = Cli.run("trigger", "test", EX.resolve("retrain-on-drift.yaml").toString(), EX.resolve("events/drift.json").toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("iris", Json.MAPPER.readTree(r.out()).get("parameters").get("model").asText());
    }

    @Test
    void noMatchSaysWhy() throws Exception {
        Path low = dir.resolve("low.json");
        Files.writeString(low, Files.readString(EX.resolve("events/drift.json")).replace("0.42", "0.1"));
        Cli r = Cli.run("trigger", "test", EX.resolve("retrain-on-drift.yaml").toString(), low.toString());
        assertEquals(1, r.exit());
        assertEquals("no match: condition data.score > 0.3 does not hold", r.out().strip());
    }

    @Test
    void missingMappedFieldIsAnError() throws Exception {
        Path t = dir.resolve("t.yaml");
        Files.writeString(t, Files.readString(EX.resolve("retrain-on-drift.yaml")).replace("{{ data.model }}", "{{ data.owner }}"));
        Cli r = Cli.run("trigger", "test", t.toString(), EX.resolve("events/drift.json").toString(), "--json");
        assertEquals(2, r.exit());
        assertEquals("data.owner", Json.MAPPER.readTree(r.out()).get("field").asText());
        assertTrue(r.err().contains("parameter 'model': the event has no value for 'data.owner'"), r.err());
    }

    @Test
    void badTriggerFileGetsItsPosition() throws Exception {
        Path t = dir.resolve("bad.yaml");
        Files.writeString(t, "apiVersion: relay.dev/v1\nkind: EventTrigger\nmetadata: {name: x}\nspec:\n  typ: a\n  pipeline: {name: p}\n");
        Cli r = Cli.run("trigger", "test", t.toString(), EX.resolve("events/drift.json").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(t + ":5:3: unknown field 'spec.typ'"), r.err());
        assertTrue(r.err().contains(t + ":5:3: missing required field 'type'"), r.err());
    }
}
