package dev.relay.runner.index;

import static dev.relay.runner.index.MetricsParserTest.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file of {@code ../shared/cases/ui_metadata_and_metrics/} (read in place; skipped when
 * absent): valid ones give exact values, each {@code INVALID_*} its entry index and field. A file
 * added there without an expectation here fails the test.
 */
class SharedCasesTest {
    final MemoryStore store = new MemoryStore();

    /** file name → what to check. */
    final Map<String, Consumer<Path>> expectations = new TreeMap<>();

    SharedCasesTest() {
        metrics("EDGE_metrics_uppercase_underscore_names.derived.json",
                List.of(new Metric("t", 0, "mAP", 0.61, null), new Metric("t", 1, "f1_score", 0.7, "PERCENTAGE")), List.of());
        metrics("INVALID_metrics_51_entries_over_limit.derived.json",
                IntStream.range(0, 50).mapToObj(i -> new Metric("t", i, "metric-" + i, i / 100.0, "RAW")).toList(), List.of("50:null"));
        metrics("INVALID_metrics_name_special_chars_issue3321.derived.json", List.of(), List.of("0:name"));
        metrics("INVALID_metrics_not_json_reporter_test.extracted.txt", List.of(), List.of("null:null"));
        metrics("INVALID_metrics_unknown_format_enum.derived.json", List.of(), List.of("0:format"));
        metrics("metrics_accuracy_percentage_local_confusion_matrix.derived.json",
                List.of(new Metric("t", 0, "accuracy-score", 0.8333333333333334, "PERCENTAGE")), List.of());
        metrics("metrics_raw_kale.derived.json", List.of(new Metric("t", 0, "accuracy", 0.9473684210526315, "RAW"),
                new Metric("t", 1, "loss", 0.1337, "RAW"), new Metric("t", 2, "epochs", 10, "RAW")), List.of());
        metrics("metrics_two_metrics_no_format_metadata_and_metrics_component.derived.json",
                List.of(new Metric("t", 0, "train-accuracy", 0.9, null), new Metric("t", 1, "test-accuracy", 0.7, null)), List.of());
        metrics("metrics_valid_two_metrics_reporter_test.extracted.json",
                List.of(new Metric("t", 0, "accuracy", 0.77, null), new Metric("t", 1, "logloss", 1.2, null)), List.of());

        ui("INVALID_ui_confusion_matrix_missing_labels.derived.json", List.of("0:labels"), r -> assertEquals(0, r.visualizations().size()));
        ui("INVALID_ui_markdown_missing_source.derived.json", List.of("0:source"), r -> assertEquals(0, r.visualizations().size()));
        ui("INVALID_ui_metadata_missing_outputs_key.derived.json", List.of("null:outputs"), r -> assertEquals(0, r.visualizations().size()));
        ui("INVALID_ui_roc_schema_missing_fpr.derived.json", List.of("0:schema"), r -> {
            assertTrue(r.errors().get(0).message().contains("Malformed schema, expected to find a column named \"fpr\""));
        });
        ui("INVALID_ui_table_missing_header.derived.json", List.of("0:header"), r -> {
            assertEquals("Malformed metadata, property \"header\" is required.", r.errors().get(0).message());
        });
        ui("ui_confusion_matrix_inline_csv_elyra_docs.derived.json", List.of(), r -> {
            Visualization v = only(r);
            assertEquals(json("[\"yummy\", \"not yummy\"]"), v.data().get("labels"));
            assertEquals(json("[[10, 2], [6, 7]]"), v.data().get("matrix"));
        });
        ui("ui_confusion_matrix_local_component.derived.json", List.of(), r -> {
            Visualization v = only(r);
            assertEquals("gs://my-bucket/cm-output/confusion_matrix.csv", v.link());
            assertEquals(json("[\"rose\", \"lily\", \"iris\"]"), v.data().get("labels"));
            assertTrue(v.data().get("matrix").isNull());
        });
        ui("ui_markdown_inline_and_confusion_matrix_minio_pytorch.derived.json", List.of(), r -> {
            assertEquals(2, r.visualizations().size());
            assertTrue(r.visualizations().get(0).data().get("markdown").asText().startsWith("```json \n {\n    \"dataset_url\""));
            assertEquals(json("[[5, 1, 0], [2, 6, 1], [0, 0, 9]]"), r.visualizations().get(1).data().get("matrix"));
            assertNull(r.visualizations().get(1).link());
        });
        ui("ui_markdown_inline_and_url_source.derived.json", List.of(), r -> {
            assertEquals("# Inline Markdown\n\n* [Kubeflow official doc](https://www.kubeflow.org/).\n",
                    r.visualizations().get(0).data().get("markdown").asText());
            assertEquals("https://raw.githubusercontent.com/kubeflow/pipelines/master/README.md", r.visualizations().get(1).link());
        });
        ui("ui_markdown_inline_confusion_matrix_gcs.mock-backend.json", List.of(), r -> {
            assertEquals(List.of("markdown", "confusion_matrix", "web-app", "web-app"),
                    r.visualizations().stream().map(Visualization::type).toList());
            assertEquals("# Title\n[some link here](http://example.com)", r.visualizations().get(0).data().get("markdown").asText());
            assertEquals(20, r.visualizations().get(1).data().get("labels").size());
            assertEquals("gs://some/path/hello-world-big.html", r.visualizations().get(3).link());
        });
        ui("ui_markdown_inline_metadata_and_metrics_component.derived.json", List.of(),
                r -> assertEquals("*this should be bold*", only(r).data().get("markdown").asText()));
        ui("ui_roc_tensorboard_table_gcs.mock-backend.json", List.of(), r -> {
            assertEquals(List.of("roc", "tensorboard", "table"), r.visualizations().stream().map(Visualization::type).toList());
            assertEquals(List.of("gs://bucket/roc/roc.csv", "gs://path/to/logdir", "gs://bucket/table.csv"),
                    r.visualizations().stream().map(Visualization::link).toList());
            assertEquals(10, r.visualizations().get(2).data().get("header").size());
        });
        ui("ui_table_csv_https_source.derived.json", List.of(), r -> {
            Visualization v = only(r);
            assertEquals(json("[\"Average precision \", \"Precision\", \"Recall\"]"), v.data().get("header"));
            assertTrue(v.link().startsWith("https://raw.githubusercontent.com/zijianjoy/"));
        });
        ui("ui_tensorboard_minio_s3_prepare_tensorboard.derived.json", List.of(), r -> {
            Visualization v = only(r);
            assertEquals("s3://mlpipeline/tensorboard/logs/8d0a1b2c-3e4f-4a5b-9c6d-7e8f9a0b1c2d", v.link());
            assertEquals("gcr.io/deeplearning-platform-release/tf2-cpu.2-3:latest", v.data().get("image").asText());
            assertEquals(6, v.data().get("podTemplateSpec").get("spec").get("containers").get(0).get("env").size());
        });
        ui("ui_web_app_inline_html.derived.json", List.of(), r -> assertEquals("<h1>Hello, World!</h1>", only(r).data().get("html").asText()));
        ui("ui_web_app_minio_tgz_kale.derived.json", List.of(), r -> {
            Visualization v = only(r);
            assertEquals("minio", v.storage());
            assertEquals("<html><body>plot</body></html>", v.data().get("html").asText());
        });
    }

    void metrics(String name, List<Metric> expected, List<String> errors) {
        expectations.put(name, p -> {
            var r = MetricsParser.parse(p.toString(), "t", read(p));
            assertEquals(errors, where(r.errors()), name + ": " + r.errors());
            assertEquals(expected, r.metrics(), name);
        });
    }

    void ui(String name, List<String> errors, Consumer<UiMetadataParser.Result> check) {
        expectations.put(name, p -> {
            var r = UiMetadataParser.parse(p.toString(), "t", read(p), new SourceReader(store));
            assertEquals(errors, where(r.errors()), name + ": " + r.errors());
            check.accept(r);
        });
    }

    @Test
    void everySharedFileIsIndexedAsExpected() throws IOException {
        Path dir = Fixtures.sharedCases();
        // the minio:// objects two of the cases point at
        store.put("confusion_matrix/run-1/confusion_matrix.csv", "0,0,5\n0,1,1\n0,2,0\n1,0,2\n1,1,6\n1,2,1\n2,0,0\n2,1,0\n2,2,9\n");
        store.put("artifacts/my-kale-pipeline-abc12/my-kale-pipeline-abc12-1234567890/plot.tgz",
                Fixtures.gzip(Fixtures.tar("plot.html", Fixtures.utf8("<html><body>plot</body></html>"))));
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(expectations.keySet().stream().toList(), files, "every shared file has an expectation here");
        for (String f : files) {
            expectations.get(f).accept(dir.resolve(f));
        }
    }

    static Visualization only(UiMetadataParser.Result r) {
        assertEquals(1, r.visualizations().size(), r.toString());
        return r.visualizations().get(0);
    }

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
