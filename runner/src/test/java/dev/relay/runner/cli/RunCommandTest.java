package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay run} end to end on the embedded default: real S3 server, real processes. */
class RunCommandTest {
    @TempDir Path state;

    static Path repo() {
        return Path.of(System.getProperty("relay.repo.dir", "..")).toAbsolutePath().normalize();
    }

    static Path pipeline(String name) {
        return Path.of("src/test/resources/pipelines", name).toAbsolutePath();
    }

    private JsonNode json(Cli r) throws Exception {
        return Json.MAPPER.readTree(r.out());
    }

    private JsonNode task(JsonNode doc, String name) {
        for (JsonNode t : doc.get("tasks")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no task " + name + " in " + doc);
    }

    @Test
    void seedPipelinePrintsTheSumOfTheGeneratedNumbers() throws Exception {
        Cli r = Cli.run("run", repo().resolve("examples/random-sum/pipeline.yaml").toString(), "-p", "count=10",
                "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = json(r);
        assertEquals("Succeeded", doc.get("phase").asText());
        String runId = doc.get("runId").asText();
        String numbersUri = task(doc, "gen").get("outputs").get("numbers").asText();
        assertEquals("s3://mlpipeline/" + RunLayout.output(runId, "gen", "numbers"), numbersUri);
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            String numbers = new String(rt.store().get(RunLayout.output(runId, "gen", "numbers")).orElseThrow(), StandardCharsets.UTF_8);
            int[] values = numbers.lines().mapToInt(Integer::parseInt).toArray();
            assertEquals(10, values.length, numbers);
            assertTrue(Arrays.stream(values).allMatch(v -> v >= 1 && v <= 99), numbers);
            String printed = new String(rt.store().get(RunLayout.attemptLog(runId, "print", 1)).orElseThrow(), StandardCharsets.UTF_8);
            assertEquals(Integer.toString(Arrays.stream(values).sum()), printed.strip());
            AttemptStatus sum = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "sum", 1)).orElseThrow(), AttemptStatus.class, "sum");
            assertEquals(Integer.toString(Arrays.stream(values).sum()).length(), sum.outputs().get("sum").size());
            assertTrue(rt.store().stat(RunLayout.runStatus(runId)).isPresent());
        }
    }

    @Test
    void humanOutputEndsWithThePrintedSum() {
        Cli r = Cli.run("run", repo().resolve("examples/random-sum/pipeline.yaml").toString(), "-p", "count=3",
                "--state-dir", state.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Succeeded"), r.out());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1].strip();
        int sum = 0;
        for (String l : r.out().split("\n")) {
            if (l.startsWith("[gen] generated 3 numbers: ")) {
                for (String n : l.substring("[gen] generated 3 numbers: ".length()).split(" ")) {
                    sum += Integer.parseInt(n);
                }
            }
        }
        assertEquals(Integer.toString(sum), last, r.out());
    }

    @Test
    void failingTaskFailsTheRunSkipsDownstreamAndKeepsItsLog() throws Exception {
        Cli r = Cli.run("run", pipeline("fail-then-skip.yaml").toString(), "--state-dir", state.toString(), "--json");
        assertEquals(1, r.exit(), r.err());
        JsonNode doc = json(r);
        assertEquals("Failed", doc.get("phase").asText());
        assertEquals("Failed", task(doc, "breaks").get("phase").asText());
        assertEquals(3, task(doc, "breaks").get("exitCode").asInt());
        assertEquals("Skipped", task(doc, "after").get("phase").asText());
        assertEquals("Succeeded", task(doc, "side").get("phase").asText());
        assertTrue(r.err().contains("task 'breaks' failed"), r.err());
        assertTrue(r.err().contains("boom: disk on fire"), r.err());
        String runId = doc.get("runId").asText();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            String log = new String(rt.store().get(RunLayout.attemptLog(runId, "breaks", 1)).orElseThrow(), StandardCharsets.UTF_8);
            assertTrue(log.contains("about to fail") && log.contains("boom: disk on fire"), log);
            AttemptStatus s = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "breaks", 1)).orElseThrow(), AttemptStatus.class, "s");
            assertEquals("Error", s.reason());
            assertTrue(rt.store().list(RunLayout.taskPrefix(runId, "after"), true).isEmpty(), "a skipped task writes nothing");
            assertTrue(rt.store().stat(RunLayout.output(runId, "breaks", "out")).isEmpty(), "a failed attempt publishes no outputs");
        }
    }

    @Test
    void missingExecutableIsReportedAsSuch() throws Exception {
        Cli r = Cli.run("run", pipeline("missing-exe.yaml").toString(), "--state-dir", state.toString(), "--json");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("ExecutableNotFound: executable not found: relay-no-such-program-xyz"), r.err());
        JsonNode doc = json(r);
        assertEquals("Failed", doc.get("phase").asText());
    }

    @Test
    void retriesUntilTheThirdAttemptSucceeds() throws Exception {
        Path counter = state.resolve("counter.txt");
        Cli r = Cli.run("run", pipeline("flaky.yaml").toString(), "-p", "counter=" + counter, "--state-dir", state.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("3", Files.readString(counter).strip());
        String runId = json(r).get("runId").asText();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            for (int n = 1; n <= 3; n++) {
                AttemptStatus s = Json.read(rt.store().get(RunLayout.attemptStatus(runId, "flaky", n)).orElseThrow(), AttemptStatus.class, "s");
                assertEquals(n < 3 ? "Failed" : "Succeeded", s.phase().name(), "attempt " + n);
            }
            assertEquals("3", new String(rt.store().get(RunLayout.output(runId, "flaky", "tries")).orElseThrow(), StandardCharsets.UTF_8).strip());
        }
    }

    @Test
    void unknownOrMissingParameterStopsBeforeLaunch() {
        Cli r = Cli.run("run", repo().resolve("examples/random-sum/pipeline.yaml").toString(), "-p", "cnt=3",
                "--state-dir", state.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown parameter 'cnt'; pipeline 'random-sum' has inputs: count"), r.err());
        Cli m = Cli.run("run", pipeline("flaky.yaml").toString(), "--state-dir", state.toString());
        assertEquals(2, m.exit());
        assertTrue(m.err().contains("missing parameter 'counter'"), m.err());
        assertTrue(!Files.exists(state.resolve("s3")), "nothing was started");
    }

    @Test
    void aParameterWithoutEqualsSaysWhatTheOptionExpects() throws Exception {
        String pipeline = repo().resolve("examples/random-sum/pipeline.yaml").toString();
        for (String[] args : java.util.List.of(
                new String[] {"run", pipeline, "-p", "count", "--state-dir", state.toString()},
                new String[] {"run", pipeline, "--param=count", "--state-dir", state.toString()})) {
            assertEquals(null, QuickRun.parse(args), "picocli parses it");
            Cli r = Cli.run(args);
            assertEquals(2, r.exit());
            assertEquals("relay: -p/--param expects NAME=VALUE, got 'count'", r.err().lines().findFirst().orElseThrow(), r.err());
        }
        Cli j = Cli.run("run", pipeline, "-p", "count", "--json", "--state-dir", state.toString());
        assertEquals("relay: -p/--param expects NAME=VALUE, got 'count'", json(j).get("error").asText());
        assertTrue(!Files.exists(state.resolve("s3")), "nothing was started");
    }

    @Test
    void aTypedParameterThatDoesNotReadAsItsTypeStopsBeforeLaunch() {
        Cli r = Cli.run("run", repo().resolve("examples/random-sum/pipeline.yaml").toString(), "-p", "count=abc",
                "--state-dir", state.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("parameter 'count' of type Integer: 'abc' is not an integer"), r.err());
        assertTrue(!r.err().contains("NUMBER_INTEGER"), "the user's type words, not the IR's: " + r.err());
        assertTrue(!Files.exists(state.resolve("s3")), "nothing was started");
    }

    @Test
    void anInputThatNeverBecomesReadableFailsTheExecutionAsSuch() throws Exception {
        Cli r = Cli.run("run", repo().resolve("examples/random-sum/print.component.yaml").toString(),
                "-p", "text=s3://mlpipeline/no/such/object", "--state-dir", state.toString(), "--json");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("InputNotReadable: input not readable: s3://mlpipeline/no/such/object"), r.err());
    }

    @Test
    void aLoneComponentRunsWithAFileParameterFromDisk() throws Exception {
        Path f = state.resolve("in.txt");
        Files.writeString(f, "hello from a file");
        Cli r = Cli.run("run", repo().resolve("examples/random-sum/print.component.yaml").toString(),
                "-p", "text=@" + f, "--state-dir", state.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().strip().endsWith("hello from a file"), r.out());
    }

    /** The CLI keeps {@code -p NAME=s3://…} as an object (README): run.json records it as an artifact reference. */
    @Test
    void theCliReadsAnS3ValueAsAnObjectAndRecordsItAsAReference() throws Exception {
        Path f = state.resolve("in.txt");
        Files.writeString(f, "hello from the bucket");
        Cli first = Cli.run("run", repo().resolve("examples/random-sum/print.component.yaml").toString(),
                "-p", "text=@" + f, "--state-dir", state.toString(), "--json");
        assertEquals(0, first.exit(), first.err());
        String runId = dev.relay.runner.contract.Json.MAPPER.readTree(first.out()).path("runId").asText();
        String uri = "s3://mlpipeline/" + RunLayout.input(runId, "text");
        Cli second = Cli.run("run", repo().resolve("examples/random-sum/print.component.yaml").toString(),
                "-p", "text=" + uri, "--state-dir", state.toString(), "--json");
        assertEquals(0, second.exit(), second.err());
        String second_ = dev.relay.runner.contract.Json.MAPPER.readTree(second.out()).path("runId").asText();
        com.fasterxml.jackson.databind.JsonNode doc = dev.relay.runner.contract.Json.MAPPER.readTree(
                state.resolve("s3/mlpipeline/" + RunLayout.runJson(second_)).toFile());
        assertEquals("[\"text\"]", doc.path("references").toString(), doc.toString());
        assertEquals(uri, doc.path("parameters").path("text").asText());
        assertTrue(second.err().contains("hello from the bucket") || second.out().contains("hello from the bucket"),
                second.out() + second.err());
    }
}
