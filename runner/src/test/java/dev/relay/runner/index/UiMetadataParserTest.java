package dev.relay.runner.index;

import static dev.relay.runner.index.Fixtures.utf8;
import static dev.relay.runner.index.MetricsParserTest.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** UI-metadata files written here, one behaviour each; no ../shared needed. */
class UiMetadataParserTest {
    static final String FILE = "runs/r1/tasks/eval/mlpipeline-ui-metadata.json";
    static final String CM_SCHEMA = "[{\"name\": \"target\", \"type\": \"CATEGORY\"}, {\"name\": \"predicted\", \"type\": \"CATEGORY\"},"
            + " {\"name\": \"count\", \"type\": \"NUMBER\"}]";

    final MemoryStore store = new MemoryStore();

    UiMetadataParser.Result parse(String json) {
        return UiMetadataParser.parse(FILE, "eval", utf8(json), new SourceReader(store));
    }

    static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void confusionMatrixIsTargetByPredictedInLabelsOrder() throws Exception {
        var r = parse("{\"outputs\": [{\"type\": \"confusion_matrix\", \"format\": \"csv\", \"schema\": " + CM_SCHEMA + ","
                + " \"labels\": [\"NONE\", \"ACTION\"], \"storage\": \"inline\","
                + " \"source\": \"NONE,NONE,3800\\nNONE,ACTION,195\\nACTION,NONE,855\\nACTION,ACTION,1659\\n\"}]}");
        assertEquals(List.of(), r.errors());
        JsonNode m = r.visualizations().get(0).data().get("matrix");
        assertEquals(195, m.get(0).get(1).asInt(), "m[NONE][ACTION]");
        assertEquals(855, m.get(1).get(0).asInt(), "m[ACTION][NONE]");
        assertEquals(json("[[3800, 195], [855, 1659]]"), m);
        assertEquals(json("[\"NONE\", \"ACTION\"]"), r.visualizations().get(0).data().get("labels"));
        assertEquals(json("[\"target\", \"predicted\"]"), r.visualizations().get(0).data().get("axes"));
    }

    @Test
    void confusionMatrixColumnsAreFoundBySchemaName() throws Exception {
        String schema = "[{\"name\": \"count\", \"type\": \"NUMBER\"}, {\"name\": \"predicted\", \"type\": \"CATEGORY\"},"
                + " {\"name\": \"target\", \"type\": \"CATEGORY\"}]";
        var r = parse("{\"outputs\": [{\"type\": \"confusion_matrix\", \"schema\": " + schema + ", \"labels\": [\"a\", \"b\"],"
                + " \"storage\": \"inline\", \"source\": \"1,a,a\\n2,b,a\\n3,a,b\\n4,b,b\"}]}");
        assertEquals(List.of(), r.errors());
        assertEquals(json("[[1, 2], [3, 4]]"), r.visualizations().get(0).data().get("matrix"));
    }

    @Test
    void tableFromTheStoreIsTheSameRawGzippedTgzAndTar() throws Exception {
        String csv = "id,name\n1,\"x, y\" \n2,z\n";
        store.put("data/raw.csv", csv);
        store.put("data/table.csv.gz", Fixtures.gzip(utf8(csv)));
        store.put("data/table.tgz", Fixtures.gzip(Fixtures.tar("table.csv", utf8(csv))));
        store.put("data/table.tar", Fixtures.tar("table.csv", utf8(csv)));
        JsonNode expected = json("[[\"id\", \"name\"], [\"1\", \"x, y\"], [\"2\", \"z\"]]");
        for (String src : List.of("minio://mlpipeline/data/raw.csv", "s3://mlpipeline/data/table.csv.gz",
                "minio://mlpipeline/data/table.tgz", "minio://mlpipeline/data/table.tar")) {
            var r = parse("{\"outputs\": [{\"type\": \"table\", \"format\": \"csv\", \"header\": [\"a\", \"b\"], \"source\": \"" + src + "\"}]}");
            assertEquals(List.of(), r.errors(), src);
            Visualization v = r.visualizations().get(0);
            assertEquals(expected, v.data().get("rows"), src);
            assertNull(v.link(), src);
        }
    }

    @Test
    void rocPointsUseTheSchemaColumns() throws Exception {
        String schema = "[{\"name\": \"thresholds\", \"type\": \"NUMBER\"}, {\"name\": \"tpr\", \"type\": \"NUMBER\"}, {\"name\": \"fpr\", \"type\": \"NUMBER\"}]";
        var r = parse("{\"outputs\": [{\"type\": \"roc\", \"format\": \"csv\", \"schema\": " + schema + ", \"storage\": \"inline\","
                + " \"source\": \"inf,0,0\\n0.5,0.8,0.25\\n0,1,1\\n\"}]}");
        assertEquals(List.of(), r.errors());
        assertEquals(json("[{\"fpr\": 0, \"tpr\": 0, \"threshold\": \"inf\"}, {\"fpr\": 0.25, \"tpr\": 0.8, \"threshold\": 0.5},"
                + " {\"fpr\": 1, \"tpr\": 1, \"threshold\": 0}]"), r.visualizations().get(0).data().get("points"));
    }

    @Test
    void linksAreKeptUnread() {
        var r = parse("{\"outputs\": [{\"type\": \"markdown\", \"source\": \"https://example.com/README.md\"},"
                + " {\"type\": \"web-app\", \"storage\": \"gcs\", \"source\": \"gs://b/x.html\"},"
                + " {\"type\": \"tensorboard\", \"source\": \"s3://mlpipeline/logs/1\", \"image\": \"tf:2\"}]}");
        assertEquals(List.of(), r.errors());
        assertEquals(List.of("https://example.com/README.md", "gs://b/x.html", "s3://mlpipeline/logs/1"),
                r.visualizations().stream().map(Visualization::link).toList());
        assertTrue(r.visualizations().get(0).data().get("markdown").isNull());
        assertEquals("tf:2", r.visualizations().get(2).data().get("image").asText());
    }

    @Test
    void mixedFileKeepsEveryGoodEntryAndFlagsEachBadOne() {
        store.put("ok/cm.csv", "a,a,1\na,b,2\nb,a,3\nb,b,4\n");
        var r = parse("""
                {"outputs": [
                  {"type": "markdown", "storage": "inline", "source": "# good"},
                  {"type": "table", "format": "csv", "storage": "inline", "source": "1,2\\n3,4\\n"},
                  {"type": "pie-chart", "source": "x"},
                  {"storage": "inline", "source": "no type"},
                  {"type": "confusion_matrix", "schema": %s, "labels": ["a", "b"], "storage": "inline", "source": "a,a,1\\na,c,2\\nb,a,3\\nb,b,4"},
                  {"type": "confusion_matrix", "schema": %s, "labels": ["a", "b"], "storage": "inline", "source": "a,a,1\\n"},
                  {"type": "roc", "schema": [{"name": "false_positive_rate"}, {"name": "tpr"}, {"name": "thresholds"}], "storage": "inline", "source": "0,0,1"},
                  {"type": "roc", "schema": [{"name": "fpr"}, {"name": "tpr"}, {"name": "threshold"}], "storage": "inline", "source": "x,0,1"},
                  "just a string",
                  {"type": "web-app", "source": "minio://mlpipeline/missing.html"},
                  {"type": "web-app", "source": "minio://other-bucket/page.html"},
                  {"type": "markdown", "source": "# not inline, not a URI"},
                  {"type": "table", "format": "tsv", "header": ["a"], "storage": "inline", "source": "1"},
                  {"type": "confusion_matrix", "schema": %s, "labels": ["a", "b"], "source": "minio://mlpipeline/ok/cm.csv"},
                  {"type": "web-app", "storage": "inline", "source": "<p>good</p>"},
                  {"type": "confusion_matrix", "format": "csv", "source": "s"}
                ]}
                """.formatted(CM_SCHEMA, CM_SCHEMA, CM_SCHEMA));
        assertEquals(List.of(0, 13, 14), r.visualizations().stream().map(Visualization::entry).toList());
        assertEquals(List.of("1:header", "2:type", "3:type", "4:source", "5:source", "6:schema", "7:source", "8:null",
                "9:source", "10:source", "11:source", "12:format", "15:labels", "15:schema"), where(r.errors()));
        assertTrue(r.errors().get(0).message().contains("Malformed metadata, property \"header\" is required."));
        assertTrue(r.errors().get(3).message().contains("'c' is not in \"labels\""), r.errors().get(3).message());
        assertTrue(r.errors().get(4).message().contains("Data dimensions 1"), r.errors().get(4).message());
        assertTrue(r.errors().get(5).message().contains("\"fpr\""), r.errors().get(5).message());
        assertTrue(r.errors().get(8).message().contains("no object"), r.errors().get(7).message());
        assertTrue(r.errors().get(9).message().contains("not the Relay bucket"), r.errors().get(8).message());
    }

    @Test
    void fileLevelErrorsAreTheFilesOnlyError() {
        assertEquals(List.of("null:outputs"), where(parse("{\"version\": 1, \"output\": []}").errors()));
        assertEquals(List.of("null:null"), where(parse("not json").errors()));
        assertEquals(List.of("null:outputs"), where(parse("{\"outputs\": {}}").errors()));
        assertEquals(List.of(), parse("").errors());
    }

    @Test
    void doubleEscapedPodTemplateSpecIsReadAsKfpDoes() {
        var r = parse("{\"outputs\": [{\"type\": \"tensorboard\", \"source\": \"s3://mlpipeline/logs\","
                + " \"pod_template_spec\": {\\\"spec\\\": {}}}]}");
        assertEquals(List.of(), r.errors());
        assertEquals(1, r.visualizations().size());
    }
}
