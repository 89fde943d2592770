package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/metrics-demo} run twice with {@code relay run} (in-process, real processes, a
 * temp state dir), then queried with {@code relay runs list|get}, {@code relay metrics compare}
 * and {@code relay index rebuild}.
 */
class MetricsDemoTest {
    @TempDir static Path state;
    static String slow;
    static String fast;

    static Path pipeline() {
        return RunCommandTest.repo().resolve("examples/metrics-demo/pipeline.yaml");
    }

    static String run(String... params) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", pipeline().toString(), "--state-dir", state.toString(), "--json"));
        for (String p : params) {
            args.add("-p");
            args.add(p);
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("relay: index"), r.err());
        return Json.MAPPER.readTree(r.out()).get("runId").asText();
    }

    @BeforeAll
    static void twoRuns() throws Exception {
        slow = run("epochs=1", "learning_rate=0.005");
        fast = run("epochs=8", "learning_rate=0.2");
    }

    static JsonNode json(Cli r) throws Exception {
        assertEquals(0, r.exit(), r.err());
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void runsListShowsBothNewestFirstWithTheirMetrics() throws Exception {
        JsonNode list = json(Cli.run("runs", "list", "--pipeline", "metrics-demo", "--json", "--state-dir", state.toString()));
        assertEquals(2, list.size());
        assertEquals(fast, list.get(0).get("runId").asText());
        assertEquals(slow, list.get(1).get("runId").asText());
        for (JsonNode r : list) {
            assertEquals("metrics-demo", r.get("pipeline").asText());
            assertEquals("Succeeded", r.get("phase").asText());
            Set<String> names = new HashSet<>();
            r.get("metrics").fieldNames().forEachRemaining(names::add);
            assertEquals(Set.of("train-loss", "train-accuracy", "accuracy", "precision", "recall", "f1_score", "auc"), names);
        }
        Cli human = Cli.run("runs", "list", "--state-dir", state.toString());
        assertEquals(0, human.exit(), human.err());
        String header = human.out().lines().findFirst().orElseThrow();
        assertTrue(header.matches("RUN +PIPELINE +PHASE +CREATED +accuracy +auc"), header);
        assertTrue(human.out().contains("%"), human.out()); // accuracy is a PERCENTAGE
        assertEquals("no runs of pipeline 'other'\n", Cli.run("runs", "list", "--pipeline", "other", "--state-dir", state.toString()).out());
    }

    @Test
    void metricsCompareShowsBothRunsAndTheDifferences() throws Exception {
        JsonNode c = json(Cli.run("metrics", "compare", slow, fast, "--json", "--state-dir", state.toString()));
        assertEquals(List.of(slow, fast), List.of(c.get("runs").get(0).asText(), c.get("runs").get(1).asText()));
        boolean someDiffer = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            double a = m.getValue().get(slow).asDouble();
            double b = m.getValue().get(fast).asDouble();
            double d = c.get("differences").get(m.getKey()).get(fast).asDouble();
            assertEquals(b - a, d, 1e-12, m.getKey());
            someDiffer |= a != b;
        }
        assertEquals(7, c.get("metrics").size());
        assertTrue(someDiffer, "different parameters give different metrics: " + c);
        assertTrue(c.get("metrics").get("train-loss").get(fast).asDouble() < c.get("metrics").get("train-loss").get(slow).asDouble(), c.toString());
        assertEquals("PERCENTAGE", c.get("formats").get("accuracy").asText());

        Cli human = Cli.run("metrics", "compare", slow, fast, "--state-dir", state.toString());
        assertEquals(0, human.exit(), human.err());
        assertTrue(human.out().startsWith("METRIC"), human.out());
        assertTrue(human.out().contains("Δ " + fast), human.out());
        assertTrue(human.out().lines().anyMatch(l -> l.startsWith("train-loss")), human.out());
    }

    @Test
    void runsGetHasTasksMetricsAllSixVisualizationsAndNoErrors() throws Exception {
        JsonNode doc = json(Cli.run("runs", "get", fast, "--json", "--state-dir", state.toString()));
        assertEquals(fast, doc.get("runId").asText());
        assertEquals("Succeeded", doc.get("phase").asText());
        assertEquals(2, doc.get("tasks").size());
        assertEquals(7, doc.get("metrics").size());
        assertEquals(0, doc.get("errors").size(), doc.get("errors").toString());
        Set<String> types = new HashSet<>();
        doc.get("visualizations").forEach(v -> types.add(v.get("type").asText()));
        assertEquals(Set.of("table", "confusion_matrix", "roc", "markdown", "web-app", "tensorboard"), types);
        JsonNode lossTable = find(doc, "train", "table");
        assertTrue(lossTable.get("source").asText().startsWith("s3://mlpipeline/runs/" + fast + "/tasks/train/outputs/loss_curve"));
        assertEquals(8, lossTable.get("data").get("rows").size(), "one row per epoch, read from a gzipped tar in the store");
        JsonNode roc = find(doc, "evaluate", "roc");
        assertTrue(roc.get("source").asText().startsWith("minio://mlpipeline/"), roc.toString());
        assertTrue(roc.get("data").get("points").size() > 10, roc.toString());
        JsonNode cm = find(doc, "evaluate", "confusion_matrix").get("data").get("matrix");
        int total = 0;
        for (JsonNode row : cm) {
            for (JsonNode cell : row) {
                total += cell.asInt();
            }
        }
        assertEquals(100, total, "every test row counted once: " + cm);

        Cli human = Cli.run("runs", "get", fast, "--state-dir", state.toString());
        assertEquals(0, human.exit(), human.err());
        assertTrue(human.out().contains("visualizations") && human.out().contains("confusion_matrix"), human.out());
        assertTrue(human.out().contains("cause     cli\n"), human.out());
        assertEquals("cli", doc.get("cause").get("kind").asText());
    }

    @Test
    void rebuildFromTheBucketGivesTheSameRuns() throws Exception {
        String before = Cli.run("runs", "get", slow, "--json", "--state-dir", state.toString()).out();
        String listBefore = Cli.run("runs", "list", "--json", "--state-dir", state.toString()).out();
        try (Stream<Path> files = Files.list(state)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("index.")).toList()) {
                Files.delete(f);
            }
        }
        assertEquals("[ ]", Cli.run("runs", "list", "--json", "--state-dir", state.toString()).out().strip());
        JsonNode report = json(Cli.run("index", "rebuild", "--json", "--state-dir", state.toString()));
        assertEquals(2, report.get("runs").asInt());
        assertEquals(0, report.get("errors").asInt());
        assertEquals(before, Cli.run("runs", "get", slow, "--json", "--state-dir", state.toString()).out());
        assertEquals(listBefore, Cli.run("runs", "list", "--json", "--state-dir", state.toString()).out());
    }

    @Test
    void badRequestsGetAClearMessageAndTheRightExitCode() {
        Cli r = Cli.run("runs", "get", "r-nope", "--state-dir", state.toString());
        assertEquals(1, r.exit());
        assertEquals("relay: no run 'r-nope'\n", r.err());
        r = Cli.run("runs", "get", "r-nope", "--json", "--state-dir", state.toString());
        assertEquals(1, r.exit());
        assertEquals("relay: no run 'r-nope'\n", r.err());
        try {
            assertEquals("relay: no run 'r-nope'", Json.MAPPER.readTree(r.out()).path("error").asText(), r.out());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not one JSON document: '" + r.out() + "'", e);
        }
        r = Cli.run("metrics", "compare", slow, "r-nope", "--state-dir", state.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("relay: no run 'r-nope' in the index"), r.err());
        r = Cli.run("runs", "get", "../etc", "--state-dir", state.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not a DNS-1123 label"), r.err());
        r = Cli.run("runs", "list", "--state-dir", state.resolve("missing").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("relay: no state dir"), r.err());
        r = Cli.run("runs", "--state-dir", state.toString());
        assertEquals(2, r.exit());
        r = Cli.run("metrics", "compare", "--state-dir", state.toString());
        assertEquals(2, r.exit());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private static JsonNode find(JsonNode doc, String task, String type) {
        for (JsonNode v : doc.get("visualizations")) {
            if (v.get("task").asText().equals(task) && v.get("type").asText().equals(type)) {
                return v;
            }
        }
        throw new AssertionError("no " + type + " of " + task + " in " + doc.get("visualizations"));
    }
}
