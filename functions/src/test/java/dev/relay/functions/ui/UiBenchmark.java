package dev.relay.functions.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relay.functions.app.Backend;
import dev.relay.functions.app.IndexService;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Load times of the web UI's heaviest pages (a benchmark, not a test: opt in with
 * {@code -Drelay.ui.bench=true}): the runs list with 1,000 runs (in the bucket and the index) until
 * its first page and the count are drawn, and a run page with a 500-task graph until every node is
 * drawn with its state. Each is measured 3 times after a
 * warm-up, in its own state dir; the medians go to stdout and {@code target/ui-benchmark.txt}.
 */
@QuarkusTest
@TestProfile(UiBenchmark.BenchProfile.class)
@EnabledIfSystemProperty(named = "relay.ui.bench", matches = "true")
class UiBenchmark {
    /** Its own state dir, so the 1,000 runs do not meet the other tests. */
    public static class BenchProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.state-dir", "target/relay-bench-state-" + System.nanoTime());
        }
    }

    @Inject Backend backend;
    @Inject IndexService index;
    @TestHTTPResource("/") URI root;

    @Test
    void runsListWith1000RunsAndA500TaskGraph() throws Exception {
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        // each run as a real one is: its run.json and status.json in the bucket (what KFP's run list reads) and in the index
        var oneTask = (com.fasterxml.jackson.databind.JsonNode) Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(
                "name: bench\ninputs: [{name: i}]\nimplementation:\n  graph:\n    tasks:\n      t:\n        componentRef:\n"
                + "          spec:\n            name: t\n            inputs: [{name: x}]\n"
                + "            implementation: {container: {image: alpine, command: [echo, {inputValue: x}]}}\n"
                + "        arguments: {x: {graphInput: {inputName: i}}}\n"));
        for (int i = 0; i < 1000; i++) {
            String id = String.format("bench-%04d", i);
            String created = t0.plusSeconds(60L * i).toString();
            RunDoc doc = new RunDoc(id, new RunDoc.PipelineRef("bench", "v1", "bench"), oneTask,
                    Map.of("i", Integer.toString(i)), RunDoc.Cause.cli(), created);
            RunStatus status = new RunStatus(id, i % 10 == 0 ? Phase.Failed : Phase.Succeeded, created,
                    t0.plusSeconds(60L * i + 42).toString(), Map.of("t", i % 10 == 0 ? Phase.Failed : Phase.Succeeded));
            backend.store().put(RunLayout.runJson(id), Json.bytes(doc));
            backend.store().put(RunLayout.runStatus(id), Json.bytes(status));
            index.index().putRun(doc);
            index.index().putRunStatus(status);
        }
        String graphRun = "bench-graph-500";
        StringBuilder spec = new StringBuilder("name: bench-graph\nimplementation:\n  graph:\n    tasks:\n");
        Map<String, Phase> phases = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            // a tree: task i reads the output of task (i-1)/3
            spec.append("      t").append(i).append(":\n        componentRef:\n          spec:\n")
                    .append("            name: t").append(i).append("\n            inputs: [{name: x}]\n")
                    .append("            outputs: [{name: o}]\n")
                    .append("            implementation: {container: {image: alpine, command: [sh, -c, 'echo $0 > $1',")
                    .append(" {inputValue: x}, {outputPath: o}]}}\n");
            spec.append("        arguments: {x: ").append(i == 0 ? "root" : "{taskOutput: {taskId: t" + (i - 1) / 3 + ", outputName: o}}")
                    .append("}\n");
            phases.put("t" + i, Phase.Succeeded);
        }
        String now = Instant.now().toString();
        backend.store().put(RunLayout.runStatus(graphRun), Json.bytes(new RunStatus(graphRun, Phase.Succeeded, now, now, phases)));
        var tree = Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(spec.toString()));
        backend.store().put(RunLayout.runJson(graphRun), Json.bytes(new RunDoc(graphRun,
                new RunDoc.PipelineRef("bench-graph", "v1", "bench"), (com.fasterxml.jackson.databind.JsonNode) tree,
                Map.of(), RunDoc.Cause.cli(), now)));
        for (String task : phases.keySet()) {
            backend.store().put(RunLayout.attemptStatus(graphRun, task, 1), Json.bytes(new AttemptStatus(graphRun, task, 1,
                    ExecutionPhase.Succeeded, 0, null, null, now, now, Map.of())));
        }
        String base = root.toString().replaceAll("/$", "") + "/";
        List<String> report = new ArrayList<>();
        try (Browser b = Browser.start()) {
            List<String> listApis = new ArrayList<>();
            List<String> graphApis = new ArrayList<>();
            // usable: the first page (100 rows) drawn and the count of all runs shown (1,000 and the graph's run); the names of all
            // runs arrive after (relay:run-names-all)
            long[] list = measure(b, base + "#/runs", "return document.querySelectorAll(\"tr[data-run^='bench-']\").length >= 100"
                    + " && /^(\\d+) of \\1 runs$/.test((document.getElementById('runs-count') || {}).textContent)"
                    + " && Number(document.getElementById('runs-count').textContent.split(' ')[0]) >= 1000",
                    "return performance.getEntriesByName('relay:run-names-all').length > 0", listApis);
            b.screenshot("benchmarkRuns1000");
            long[] graph = measure(b, base + "#/runs/details/" + graphRun,
                    "return document.querySelectorAll(\"svg.graph g.node[data-state='Succeeded']\").length >= 500", "return true", graphApis);
            report.add("runs list, 1000 runs, navigation start until the first page (100 rows) and the count are drawn: median "
                    + median(list) + " ms " + Arrays.toString(list) + "; last load " + listApis);
            report.add("run page, 500-task graph, navigation start until every node is drawn with its state: median " + median(graph) + " ms "
                    + Arrays.toString(graph) + "; last load " + graphApis);
            b.screenshot("benchmarkGraph500");
            assertEquals(List.of(), b.consoleErrors());
        }
        report.forEach(System.out::println);
        Files.write(Path.of("target", "ui-benchmark.txt"), report);
    }

    /**
     * Opens {@code url} four times (the first warms up) and measures, in the page, the time from
     * navigation start until the script {@code ready} answers true; then waits for {@code settled}
     * and adds the API calls' durations of the last load and the UI's own {@code relay:*}
     * performance measures to {@code apis}.
     */
    private static long[] measure(Browser b, String url, String ready, String settled, List<String> apis) {
        long[] ms = new long[3];
        for (int i = -1; i < ms.length; i++) {
            b.open("about:blank");
            b.open(url);
            Object t = b.until(180, d -> Boolean.TRUE.equals(b.js(ready)) ? b.js("return performance.now();") : null);
            if (i >= 0) {
                ms[i] = Math.round(((Number) t).doubleValue());
            }
        }
        b.until(180, d -> Boolean.TRUE.equals(b.js(settled)) ? Boolean.TRUE : null);
        @SuppressWarnings("unchecked")
        List<String> entries = (List<String>) b.js("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/api')).map(e => e.name.replace(location.origin, '').substring(0, 60) + ' ' + Math.round(e.duration) + ' ms');");
        apis.addAll(entries);
        @SuppressWarnings("unchecked")
        List<String> marks = (List<String>) b.js("return performance.getEntriesByType('measure')"
                + ".filter(e => e.name.startsWith('relay:')).map(e => e.name + ' ' + Math.round(e.duration) + ' ms');");
        apis.addAll(marks);
        return ms;
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
