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
 * {@code -Drelay.ui.bench=true}): the runs list with 1,000 indexed runs until every row is drawn,
 * and a run page with a 500-task graph until every node is drawn. Each is measured 3 times after a
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
        for (int i = 0; i < 1000; i++) {
            String id = String.format("bench-%04d", i);
            String created = t0.plusSeconds(60L * i).toString();
            index.index().putRun(new RunDoc(id, new RunDoc.PipelineRef("bench", "v1", "bench"), null,
                    Map.of("i", Integer.toString(i)), RunDoc.Cause.cli(), created));
            index.index().putRunStatus(new RunStatus(id, i % 10 == 0 ? Phase.Failed : Phase.Succeeded, created,
                    t0.plusSeconds(60L * i + 42).toString(), Map.of()));
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
            long[] list = measure(b, base + "#/runs", "tr[data-run^='bench-']", 1000, listApis);
            b.screenshot("benchmarkRuns1000");
            long[] graph = measure(b, base + "#/runs/details/" + graphRun, "svg.graph g.node[data-state='Succeeded']", 500, graphApis);
            report.add("runs list, 1000 runs, navigation start until every row is drawn: median " + median(list) + " ms "
                    + Arrays.toString(list) + "; API calls " + listApis);
            report.add("run page, 500-task graph, navigation start until every node is drawn: median " + median(graph) + " ms "
                    + Arrays.toString(graph) + "; API calls " + graphApis);
            b.screenshot("benchmarkGraph500");
            assertEquals(List.of(), b.consoleErrors());
        }
        report.forEach(System.out::println);
        Files.write(Path.of("target", "ui-benchmark.txt"), report);
    }

    /**
     * Opens {@code url} four times (the first warms up) and measures, in the page, the time from
     * navigation start until {@code count} elements match {@code css}; the API calls' durations of
     * the last load go to {@code apis}.
     */
    private static long[] measure(Browser b, String url, String css, int count, List<String> apis) {
        long[] ms = new long[3];
        for (int i = -1; i < ms.length; i++) {
            b.open("about:blank");
            b.open(url);
            Object t = b.until(180, d -> b.js("return document.querySelectorAll(arguments[0]).length >= arguments[1]"
                    + " ? performance.now() : null;", css, count));
            if (i >= 0) {
                ms[i] = Math.round(((Number) t).doubleValue());
            }
        }
        @SuppressWarnings("unchecked")
        List<String> entries = (List<String>) b.js("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/api')).map(e => e.name.replace(location.origin, '') + ' ' + Math.round(e.duration) + ' ms');");
        apis.addAll(entries);
        return ms;
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
