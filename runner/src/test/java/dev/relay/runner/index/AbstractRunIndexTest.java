package dev.relay.runner.index;

import static dev.relay.runner.index.MetricsParserTest.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.recovery.Generations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index's behaviour, run once per database: {@link H2RunIndexTest} and
 * {@link PostgresRunIndexTest} only say how to open a fresh, empty database.
 */
abstract class AbstractRunIndexTest {
    final MemoryStore store = new MemoryStore();
    final List<String> warnings = new ArrayList<>();
    IndexDatabase db;
    RunIndex index;
    ObjectIndexer indexer;

    /** A fresh, empty database for one test. */
    abstract IndexDatabase openFresh() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = openFresh();
        index = new RunIndex(db);
        indexer = new ObjectIndexer(store, index, warnings::add);
    }

    @AfterEach
    void close() {
        db.close();
        assertEquals(List.of(), warnings);
    }

    @Test
    void aMigratedIndexIsSeenAsUpToDateAndAFailedMigrationIsNot() throws Exception {
        assertTrue(db.migrationsApplied(), "a freshly migrated index records every script");
        try (java.sql.Connection c = db.connection(); java.sql.Statement s = c.createStatement()) {
            s.execute("update \"relay_index_schema_history\" set \"success\" = false");
        }
        org.junit.jupiter.api.Assertions.assertFalse(db.migrationsApplied(), "a failed script: Flyway must run");
    }

    /** A unit of work that closes its connection uncommitted leaves nothing behind for the next one (pooled sessions). */
    @Test
    void aConnectionClosedUncommittedRollsBackAndComesBackInAutoCommit() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (java.sql.Connection c = db.connection(); java.sql.Statement s = c.createStatement()) {
                assertTrue(c.getAutoCommit(), "a borrowed connection is in auto-commit");
                c.setAutoCommit(false);
                s.executeUpdate("insert into relay_runs (run_id, phase) values ('left" + i + "', 'Running')");
            }
        }
        assertEquals(List.of(), index.runIds());
    }

    // ------------------------------------------------------------------ helpers

    void run(String runId, String pipeline, String createdAt) {
        RunDoc doc = new RunDoc(runId, new RunDoc.PipelineRef(pipeline, "v1", "examples/" + pipeline + ".yaml"),
                Json.MAPPER.createObjectNode(), Map.of("count", "3"), RunDoc.Cause.cli(), createdAt);
        write(RunLayout.runJson(runId), new String(Json.bytes(doc)));
    }

    void attempt(String runId, String task, int n, ExecutionPhase phase) {
        AttemptStatus s = new AttemptStatus(runId, task, n, phase, phase == ExecutionPhase.Succeeded ? 0 : 1,
                phase == ExecutionPhase.Succeeded ? null : "Error", null, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z",
                Map.of());
        write(RunLayout.attemptStatus(runId, task, n), new String(Json.bytes(s)));
    }

    void finish(String runId, Phase phase, Map<String, Phase> tasks) {
        write(RunLayout.runStatus(runId), new String(Json.bytes(new RunStatus(runId, phase, "2026-01-01T00:00:00.000Z",
                "2026-01-01T00:01:00.000Z", tasks))));
    }

    void metrics(String runId, String task, String json) {
        write(RunLayout.metrics(runId, task), json);
    }

    void ui(String runId, String task, String json) {
        write(RunLayout.uiMetadata(runId, task), json);
    }

    void write(String key, String content) {
        store.put(key, content);
        assertTrue(indexer.index(key), key);
    }

    static String metricsJson(Map<String, Double> values) {
        return values.entrySet().stream().map(e -> "{\"name\": \"" + e.getKey() + "\", \"numberValue\": " + e.getValue() + "}")
                .collect(Collectors.joining(", ", "{\"metrics\": [", "]}"));
    }

    /** Everything the index says about a run, for before/after comparisons. */
    String dump(String runId) {
        return index.run(runId) + "\n" + index.metrics(runId) + "\n" + index.visualizations(runId) + "\n" + index.errors(runId);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void mixedFilesKeepTheGoodEntriesAndStoreEachError() {
        run("r1", "demo", "2026-01-01T10:00:00.000Z");
        metrics("r1", "train", """
                {"metrics": [{"name": "accuracy", "numberValue": 0.91, "format": "PERCENTAGE"},
                  {"name": "bad name!", "numberValue": 1}, {"name": "loss", "numberValue": NaN},
                  {"name": "f1_score", "number_value": "0.5"}]}""");
        ui("r1", "train", """
                {"outputs": [{"type": "markdown", "storage": "inline", "source": "# hi"},
                  {"type": "table", "format": "csv", "storage": "inline", "source": "1,2"},
                  {"type": "roc", "format": "csv", "schema": [{"name": "fpr"}, {"name": "tpr"}, {"name": "thresholds"}],
                   "storage": "inline", "source": "0,0,1\\n1,1,0"}]}""");
        assertEquals(List.of(new Metric("train", 0, "accuracy", 0.91, "PERCENTAGE"), new Metric("train", 3, "f1_score", 0.5, null)),
                index.metrics("r1"));
        assertEquals(List.of("markdown", "roc"), index.visualizations("r1").stream().map(Visualization::type).toList());
        assertEquals("# hi", index.visualizations("r1").get(0).data().get("markdown").asText());
        assertEquals(2, index.visualizations("r1").get(1).data().get("points").size());
        assertEquals(List.of("1:name", "2:numberValue", "1:header"), where(index.errors("r1")));
        assertEquals(RunLayout.metrics("r1", "train"), index.errors("r1").get(0).file());
        assertEquals(RunLayout.uiMetadata("r1", "train"), index.errors("r1").get(2).file());
        assertEquals(Map.of("accuracy", 0.91, "f1_score", 0.5), index.run("r1").orElseThrow().metrics());
    }

    @Test
    void indexingTheSameObjectsAgainChangesNothing() {
        run("r1", "demo", "2026-01-01T10:00:00.000Z");
        metrics("r1", "train", "{\"metrics\": [{\"name\": \"a\", \"numberValue\": 1}, {\"name\": \"b!\", \"numberValue\": 2}]}");
        ui("r1", "train", "{\"outputs\": [{\"type\": \"web-app\", \"storage\": \"inline\", \"source\": \"<p/>\"}, {\"type\": \"x\"}]}");
        attempt("r1", "train", 1, ExecutionPhase.Succeeded);
        finish("r1", Phase.Succeeded, Map.of("train", Phase.Succeeded));
        String before = dump("r1");
        for (String key : store.list("runs/r1/", true)) {
            indexer.index(key);
            indexer.index(key);
        }
        assertEquals(before, dump("r1"));
    }

    @Test
    void aFileWrittenAgainReplacesWhatItHeld() {
        metrics("r1", "train", metricsJson(Map.of("a", 1.0, "b", 2.0)));
        metrics("r1", "train", "{\"metrics\": [{\"name\": \"c\", \"numberValue\": 3}, {\"name\": \"d\"}]}");
        assertEquals(List.of("c"), index.metrics("r1").stream().map(Metric::name).toList());
        assertEquals(List.of("1:numberValue"), where(index.errors("r1")));
        store.objects.remove(RunLayout.metrics("r1", "train"));
        indexer.index(RunLayout.metrics("r1", "train"));
        assertEquals(List.of(), index.metrics("r1"));
        assertEquals(List.of(), index.errors("r1"));
    }

    @Test
    void theRunKeepsItsFirstFiftyMetricsByTaskWhateverTheOrderOfEvents() {
        String thirty = IntStream.range(0, 30).mapToObj(i -> "{\"name\": \"m" + i + "\", \"numberValue\": " + i + "}")
                .collect(Collectors.joining(", ", "{\"metrics\": [", "]}"));
        metrics("r1", "zeta", thirty);
        metrics("r1", "alpha", thirty);
        List<Metric> kept = index.metrics("r1");
        assertEquals(50, kept.size());
        assertEquals(30, kept.stream().filter(m -> m.task().equals("alpha")).count());
        List<IndexError> errors = index.errors("r1");
        assertEquals(10, errors.size());
        assertEquals(RunLayout.metrics("r1", "zeta"), errors.get(0).file());
        assertEquals(List.of(20, 21, 22, 23, 24, 25, 26, 27, 28, 29), errors.stream().map(IndexError::entry).toList());
        String before = dump("r1");
        metrics("r1", "alpha", thirty); // re-indexed later: same outcome
        assertEquals(before, dump("r1"));
        metrics("r1", "alpha", metricsJson(Map.of("only", 1.0)));
        assertEquals(31, index.metrics("r1").size());
        assertEquals(List.of(), index.errors("r1"));
    }

    @Test
    void concurrentIndexersStillKeepExactlyFiftyMetrics() throws Exception {
        String twenty = IntStream.range(0, 20).mapToObj(i -> "{\"name\": \"m" + i + "\", \"numberValue\": " + i + "}")
                .collect(Collectors.joining(", ", "{\"metrics\": [", "]}"));
        List<String> tasks = List.of("a", "b", "c", "d", "e");
        tasks.forEach(t -> store.put(RunLayout.metrics("r1", t), twenty));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
        try {
            List<java.util.concurrent.Future<Boolean>> done = new ArrayList<>();
            for (String t : tasks) {
                done.add(pool.submit(() -> indexer.index(RunLayout.metrics("r1", t))));
            }
            for (var f : done) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(50, index.metrics("r1").size());
        assertEquals(List.of("a", "b", "c"), index.metrics("r1").stream().map(Metric::task).distinct().toList());
        assertEquals(50, index.errors("r1").size());
    }

    /** Every kind of write creates its run's row when it is the run's first (or comes after the run was deleted). */
    @Test
    void eachWriteCreatesItsRunsRowWhenItComesFirst() {
        index.putAttempt(new AttemptStatus("r-a", "t", 1, ExecutionPhase.Running, null, null, null, null, null, Map.of()));
        index.putRunStatus(new RunStatus("r-s", Phase.Failed, null, "2026-01-01T00:01:00.000Z", Map.of("t", Phase.Failed)));
        index.reopenRun("r-o");
        index.putMetrics("r-m", "t", "k", new MetricsParser.Result(List.of(), List.of()));
        index.putUiMetadata("r-u", "t", new UiMetadataParser.Result(List.of(), List.of()));
        assertEquals(List.of("r-a", "r-m", "r-o", "r-s", "r-u"), index.runIds());
        assertEquals("Running", index.run("r-a").orElseThrow().phase());
        assertEquals("Failed", index.run("r-s").orElseThrow().phase());
        assertEquals("2026-01-01T00:01:00.000Z", index.run("r-s").orElseThrow().finishedAt());
        assertEquals("Running", index.run("r-o").orElseThrow().phase());
        index.deleteRun("r-a");
        index.putAttempt(new AttemptStatus("r-a", "t", 1, ExecutionPhase.Succeeded, 0, null, null, null, null, Map.of()));
        assertEquals("Running", index.run("r-a").orElseThrow().phase(), "a late attempt brings its run back");
    }

    @Test
    void objectsMayArriveInAnyOrder() {
        metrics("r2", "train", metricsJson(Map.of("accuracy", 0.8)));
        finish("r2", Phase.Failed, Map.of("train", Phase.Succeeded, "eval", Phase.Failed, "push", Phase.Skipped));
        attempt("r2", "eval", 2, ExecutionPhase.Failed);
        attempt("r2", "eval", 1, ExecutionPhase.Failed); // late, older: ignored
        run("r2", "demo", "2026-01-02T10:00:00.000Z");
        RunSummary s = index.run("r2").orElseThrow();
        assertEquals("demo", s.pipeline());
        assertEquals("Failed", s.phase());
        assertEquals("2026-01-02T10:00:00.000Z", s.createdAt());
        assertEquals("2026-01-01T00:01:00.000Z", s.finishedAt());
        assertEquals(Map.of("accuracy", 0.8), s.metrics());
    }

    @Test
    void listIsNewestFirstFilteredByPipelineWithTheMostCommonMetricColumns() {
        run("r-old", "demo", "2026-01-01T10:00:00.000Z");
        run("r-new", "demo", "2026-01-03T10:00:00.000Z");
        run("r-mid", "other", "2026-01-02T10:00:00.000Z");
        metrics("r-old", "t", metricsJson(Map.of("accuracy", 0.7, "loss", 0.3, "rare", 1.0)));
        metrics("r-new", "t", metricsJson(Map.of("accuracy", 0.9, "loss", 0.1)));
        metrics("r-mid", "t", metricsJson(Map.of("accuracy", 0.8, "zz", 2.0)));
        List<RunSummary> all = index.listRuns(null, 0);
        assertEquals(List.of("r-new", "r-mid", "r-old"), all.stream().map(RunSummary::runId).toList());
        assertEquals(List.of("accuracy", "loss"), RunIndex.metricColumns(all, 2));
        assertEquals(List.of("r-new", "r-old"), index.listRuns("demo", 0).stream().map(RunSummary::runId).toList());
        assertEquals(List.of("r-new"), index.listRuns(null, 1).stream().map(RunSummary::runId).toList());
        assertEquals(Map.of("accuracy", 0.9, "loss", 0.1), index.listRuns("demo", 0).get(0).metrics());
    }

    @Test
    void compareShowsTheValuesSideBySideWithTheDifferences() {
        run("r1", "demo", "2026-01-01T10:00:00.000Z");
        run("r2", "demo", "2026-01-02T10:00:00.000Z");
        metrics("r1", "eval", "{\"metrics\": [{\"name\": \"accuracy\", \"numberValue\": 0.7, \"format\": \"PERCENTAGE\"},"
                + " {\"name\": \"loss\", \"numberValue\": 0.3}, {\"name\": \"only-r1\", \"numberValue\": 5}]}");
        metrics("r2", "eval", metricsJson(Map.of("accuracy", 0.8, "loss", 0.25)));
        Comparison c = index.compare(List.of("r1", "r2"));
        assertEquals(List.of("r1", "r2"), c.runs());
        assertEquals(Map.of("r1", 0.7, "r2", 0.8), c.metrics().get("accuracy"));
        assertEquals(Map.of("r1", 5.0), c.metrics().get("only-r1"));
        assertEquals(Map.of("r2", 0.1), c.differences().get("accuracy"));
        assertEquals(Map.of("r2", -0.05), c.differences().get("loss"));
        assertEquals("PERCENTAGE", c.formats().get("accuracy"));
        UnknownRunException e = assertThrows(UnknownRunException.class, () -> index.compare(List.of("r1", "nope", "gone")));
        assertEquals(List.of("nope", "gone"), e.runIds());
    }

    @Test
    void storeBackedSourcesAreResolvedWhenTheTaskSucceedsWhateverTheOrder() {
        String csvKey = RunLayout.output("r1", "eval", "table");
        ui("r1", "eval", "{\"outputs\": [{\"type\": \"table\", \"format\": \"csv\", \"header\": [\"x\", \"y\"],"
                + " \"source\": \"minio://mlpipeline/" + csvKey + "\"}]}");
        assertEquals(List.of("0:source"), where(index.errors("r1"))); // the CSV is not there yet
        store.put(csvKey, Fixtures.gzip(Fixtures.tar("t.csv", Fixtures.utf8("1,2\n3,4\n"))));
        attempt("r1", "eval", 1, ExecutionPhase.Succeeded);
        assertEquals(List.of(), index.errors("r1"));
        assertEquals("[[\"1\",\"2\"],[\"3\",\"4\"]]", index.visualizations("r1").get(0).data().get("rows").toString());
    }

    @Test
    void rebuildRecreatesEverythingFromTheBucket() throws Exception {
        run("r1", "demo", "2026-01-01T10:00:00.000Z");
        metrics("r1", "train", "{\"metrics\": [{\"name\": \"a\", \"numberValue\": 1}, {\"name\": \"b\", \"numberValue\": \"x\"}]}");
        ui("r1", "train", "{\"outputs\": [{\"type\": \"markdown\", \"storage\": \"inline\", \"source\": \"# r1\"}]}");
        attempt("r1", "train", 1, ExecutionPhase.Failed);
        attempt("r1", "train", 2, ExecutionPhase.Succeeded);
        finish("r1", Phase.Succeeded, Map.of("train", Phase.Succeeded));
        run("r2", "demo", "2026-01-02T10:00:00.000Z");
        metrics("r2", "train", "not json");
        String r1 = dump("r1");
        String r2 = dump("r2");
        store.objects.keySet().removeIf(k -> k.startsWith("runs/r2/"));
        store.put("runs/r1/tasks/train/outputs/model", "ignored");
        index.deleteRun("r1");
        ObjectIndexer.RebuildReport report = indexer.rebuild();
        assertEquals(1, report.runs());
        assertEquals(1, report.removed());
        assertEquals(1, report.errors());
        assertEquals(r1, dump("r1"));
        assertTrue(index.run("r2").isEmpty(), r2);
    }

    @Test
    void aRetriedRunIsRunningAgainThenHasItsNewGenerationsEndAlsoAfterARebuild() {
        run("r1", "demo", "2026-01-01T10:00:00.000Z");
        attempt("r1", "a", 1, ExecutionPhase.Succeeded);
        attempt("r1", "b", 1, ExecutionPhase.Failed);
        finish("r1", Phase.Failed, Map.of("a", Phase.Succeeded, "b", Phase.Failed, "c", Phase.Skipped));
        assertEquals("Failed", index.run("r1").orElseThrow().phase());

        // relay runs retry: generation 2 starts (its marker), b runs again
        write(Generations.markerKey("r1", 2), new String(Json.bytes(new Generations.Generation("r1", 2, Generations.RETRY,
                "2026-01-01T00:02:00.000Z", Map.of("b", 2)))));
        RunSummary running = index.run("r1").orElseThrow();
        assertEquals("Running", running.phase(), "the retried run runs again");
        assertEquals(null, running.finishedAt());
        write(RunLayout.runStatus("r1"), store.get(RunLayout.runStatus("r1")).map(String::new).orElseThrow()); // generation 1's status again (a redelivery)
        assertEquals("Running", index.run("r1").orElseThrow().phase(), "generation 1's end is history");

        attempt("r1", "b", 2, ExecutionPhase.Succeeded);
        attempt("r1", "c", 1, ExecutionPhase.Succeeded);
        write(Generations.statusKey("r1", 2), new String(Json.bytes(new RunStatus("r1", Phase.Succeeded, "2026-01-01T00:00:00.000Z",
                "2026-01-01T00:03:00.000Z", Map.of("a", Phase.Succeeded, "b", Phase.Succeeded, "c", Phase.Succeeded)))));
        assertEquals("Succeeded", index.run("r1").orElseThrow().phase());
        assertEquals("2026-01-01T00:03:00.000Z", index.run("r1").orElseThrow().finishedAt());
        write(RunLayout.runStatus("r1"), store.get(RunLayout.runStatus("r1")).map(String::new).orElseThrow());
        assertEquals("Succeeded", index.run("r1").orElseThrow().phase(), "a late generation-1 event changes nothing");
        String before = dump("r1");

        index.deleteRun("r1");
        indexer.rebuild();  // lists generations/2/status.json before status.json

        assertEquals(before, dump("r1"));
        assertEquals("Succeeded", index.listRuns(null, 0).get(0).phase());
    }

    @Test
    void sharedCasesSurviveTheDatabaseRoundTrip() throws Exception {
        Path dir = Fixtures.sharedCases();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        int n = 0;
        for (Path f : files) {
            String task = "t" + n++;
            String name = f.getFileName().toString();
            String key = name.contains("metrics") ? RunLayout.metrics("shared", task) : RunLayout.uiMetadata("shared", task);
            store.put(key, Files.readAllBytes(f));
            indexer.index(key);
        }
        // what the parsers say, task by task, is what the index gives back
        List<Metric> metrics = new ArrayList<>();
        List<IndexError> errors = new ArrayList<>();
        List<Visualization> visualizations = new ArrayList<>();
        n = 0;
        for (Path f : files) {
            String task = "t" + n++;
            String name = f.getFileName().toString();
            if (name.contains("metrics")) {
                var r = MetricsParser.parse(RunLayout.metrics("shared", task), task, Files.readAllBytes(f));
                metrics.addAll(r.metrics());
                errors.addAll(r.errors());
            } else {
                var r = UiMetadataParser.parse(RunLayout.uiMetadata("shared", task), task, Files.readAllBytes(f), new SourceReader(store));
                visualizations.addAll(r.visualizations());
                errors.addAll(r.errors());
            }
        }
        java.util.Comparator<Metric> byTask = java.util.Comparator.comparing(Metric::task).thenComparingInt(Metric::entry);
        List<Metric> sorted = new ArrayList<>(metrics);
        sorted.sort(byTask);
        assertEquals(sorted.subList(0, 50), index.metrics("shared")); // the run's 50-metric limit applies across files
        assertEquals(visualizations.size(), index.visualizations("shared").size());
        assertEquals(Json.MAPPER.valueToTree(visualizations.stream().sorted(java.util.Comparator.comparing(Visualization::task)
                .thenComparingInt(Visualization::entry)).toList()), Json.MAPPER.valueToTree(index.visualizations("shared")));
        Map<String, List<String>> byFile = new LinkedHashMap<>();
        index.errors("shared").forEach(e -> byFile.computeIfAbsent(e.file(), k -> new ArrayList<>()).add(e.entry() + ":" + e.field()));
        errors.forEach(e -> assertTrue(byFile.getOrDefault(e.file(), List.of()).contains(e.entry() + ":" + e.field()), e + " in " + byFile));
    }

    @Test
    void httpDocumentsSplitErrorsByFileAndAnswerEmptyForUnknownRuns() {
        run("r1", "demo", "2026-01-01T10:00:00.000Z");
        metrics("r1", "train", "{\"metrics\": [{\"name\": \"acc\", \"numberValue\": 0.5}, {\"name\": \"x y\", \"numberValue\": 1}]}");
        ui("r1", "train", "{\"outputs\": [{\"type\": \"markdown\", \"storage\": \"inline\", \"source\": \"# a\"}, {\"type\": \"roc\"}]}");
        var m = RunReports.metricsOf(index, "r1").orElseThrow();
        assertEquals(1, m.get("metrics").size());
        assertEquals("acc", m.get("metrics").get(0).get("name").asText());
        assertEquals(0.5, m.get("metrics").get(0).get("numberValue").asDouble());
        assertEquals(1, m.get("errors").size());
        assertEquals("name", m.get("errors").get(0).get("field").asText());
        var v = RunReports.visualizationsOf(index, "r1").orElseThrow();
        assertEquals(1, v.get("visualizations").size());
        assertEquals(2, v.get("errors").size()); // roc: source and schema
        assertTrue(RunReports.metricsOf(index, "nope").isEmpty());
        assertTrue(RunReports.visualizationsOf(index, "nope").isEmpty());
        var list = RunReports.list(index, null, 10);
        assertEquals("r1", list.get("runs").get(0).get("runId").asText());
        assertEquals("[\"acc\"]", list.get("metricColumns").toString());
        assertEquals(0.5, RunReports.compare(index, List.of("r1")).get("metrics").get("acc").get("r1").asDouble());
        assertThrows(IllegalArgumentException.class, () -> RunReports.compare(index, List.of()));
    }

    @Test
    void visualizationDataRoundTripsExactly() {
        ui("r1", "eval", "{\"outputs\": [{\"type\": \"confusion_matrix\", \"schema\": " + UiMetadataParserTest.CM_SCHEMA + ","
                + " \"labels\": [\"NONE\", \"ACTION\"], \"storage\": \"inline\","
                + " \"source\": \"NONE,NONE,3800\\nNONE,ACTION,195\\nACTION,NONE,855\\nACTION,ACTION,1659\\n\"},"
                + " {\"type\": \"tensorboard\", \"source\": \"s3://mlpipeline/logs\", \"pod_template_spec\": {\"spec\": {\"a\": [1, \"é\"]}}}]}");
        Visualization cm = index.visualizations("r1").get(0);
        assertEquals(195, cm.data().get("matrix").get(0).get(1).asInt());
        assertEquals(855, cm.data().get("matrix").get(1).get(0).asInt());
        ObjectNode tb = (ObjectNode) index.visualizations("r1").get(1).data();
        assertEquals("é", tb.get("podTemplateSpec").get("spec").get("a").get(1).asText());
        assertEquals("s3://mlpipeline/logs", index.visualizations("r1").get(1).link());
    }

    @Test
    void v2MetricsArtifactsAreIndexedLikeTheirV1Counterparts() {
        run("r2", "v2", "2026-01-01T00:00:00.000Z");
        store.put("runs/r2/tasks/eval/outputs/report", "# Report\nall good");
        store.put("runs/r2/tasks/eval/outputs/page", "<h1>hi</h1>");
        // status.json as the v2 executor writes it: artifact types and metadata with each output
        write(RunLayout.attemptStatus("r2", "eval", 1), """
                {"runId": "r2", "task": "eval", "attempt": 1, "phase": "Succeeded", "exitCode": 0, "reason": null,
                 "message": null, "startedAt": "2026-01-01T00:00:00.000Z", "finishedAt": "2026-01-01T00:00:01.000Z",
                 "parameters": {"best": 0.9},
                 "outputs": {
                  "metrics": {"uri": null, "size": 0, "sha256": null, "schemaTitle": "system.Metrics",
                              "metadata": {"accuracy": 0.9, "loss": 0.25, "display_name": "m", "note": "x"}},
                  "classification": {"uri": null, "size": 0, "sha256": null, "schemaTitle": "system.ClassificationMetrics",
                   "metadata": {"confusionMatrix": {"annotationSpecs": [{"displayName": "cat"}, {"displayName": "dog"}],
                                                    "rows": [{"row": [8, 2]}, {"row": [1, 9]}]},
                                "confidenceMetrics": [{"confidenceThreshold": 0.9, "recall": 0.5, "falsePositiveRate": 0.1},
                                                      {"confidenceThreshold": 0.1, "recall": 1.0, "falsePositiveRate": 0.8}]}},
                  "report": {"uri": "s3://mlpipeline/runs/r2/tasks/eval/outputs/report", "size": 17, "sha256": null,
                             "schemaTitle": "system.Markdown", "metadata": {}},
                  "page": {"uri": "s3://mlpipeline/runs/r2/tasks/eval/outputs/page", "size": 11, "sha256": null,
                           "schemaTitle": "system.HTML", "metadata": {}},
                  "model": {"uri": "s3://mlpipeline/runs/r2/tasks/eval/outputs/model", "size": 1, "sha256": null,
                            "schemaTitle": "system.Model", "metadata": {}}}}
                """);
        List<Metric> m = index.metrics("r2");
        assertEquals(List.of("accuracy", "loss"), m.stream().map(Metric::name).toList());
        assertEquals(0.25, m.get(1).numberValue());
        List<Visualization> v = index.visualizations("r2");
        assertEquals(List.of("confusion_matrix", "roc", "markdown", "web-app"), v.stream().map(Visualization::type).toList());
        assertEquals("[\"cat\",\"dog\"]", v.get(0).data().get("labels").toString());
        assertEquals(2, v.get(0).data().get("matrix").get(0).get(1).asInt());
        assertEquals(1.0, v.get(1).data().get("points").get(1).get("tpr").asDouble());
        assertEquals("# Report\nall good", v.get(2).data().get("markdown").asText());
        assertEquals("<h1>hi</h1>", v.get(3).data().get("html").asText());
        // the one bad metric is an index error naming the artifact, the rest stays
        assertEquals(1, index.errors("r2").size());
        assertTrue(index.errors("r2").get(0).toString().contains("outputs.metrics.metadata.note"), index.errors("r2").toString());
        String once = dump("r2");
        indexer.index(RunLayout.attemptStatus("r2", "eval", 1));
        assertEquals(once, dump("r2"));
        assertEquals(0.9, RunReports.metrics(index, "r2").get(0).get("numberValue").asDouble(), RunReports.metrics(index, "r2").toString());
    }
}
