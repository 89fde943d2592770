package dev.relay.runner.index;

import static dev.relay.runner.index.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Metrics files written here, one behaviour each; no ../shared needed. */
class MetricsParserTest {
    static final String FILE = "runs/r1/tasks/train/mlpipeline-metrics.json";

    static MetricsParser.Result parse(String json) {
        return MetricsParser.parse(FILE, "train", utf8(json));
    }

    /** "entry:field" per error, for compact assertions. */
    static List<String> where(List<IndexError> errors) {
        return errors.stream().map(e -> e.entry() + ":" + e.field()).toList();
    }

    @Test
    void validMetricsKeepNameValueAndFormat() {
        var r = parse("{\"metrics\": [{\"name\": \"accuracy-score\", \"numberValue\": 0.8333333333333334, \"format\": \"PERCENTAGE\"},"
                + " {\"name\": \"epochs\", \"number_value\": 10, \"format\": \"RAW\"}, {\"name\": \"mAP\", \"numberValue\": \"0.5\"}]}");
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(new Metric("train", 0, "accuracy-score", 0.8333333333333334, "PERCENTAGE"),
                new Metric("train", 1, "epochs", 10.0, "RAW"), new Metric("train", 2, "mAP", 0.5, null)), r.metrics());
    }

    @Test
    void mixedFileKeepsEveryGoodEntryAndFlagsEachBadOne() {
        var r = parse("""
                {"metrics": [
                  {"name": "accuracy", "numberValue": 0.91, "format": "PERCENTAGE"},
                  {"name": "f1_per_object@[IoU=0.5]", "numberValue": 0.78},
                  {"name": "loss", "numberValue": NaN},
                  {"name": "recall", "numberValue": "abc"},
                  {"name": "precision"},
                  {"name": "auc", "numberValue": 0.8, "format": "PERCENT"},
                  "not an object",
                  {"name": "accuracy", "numberValue": 0.5},
                  {"name": "big", "numberValue": Infinity},
                  {"name": "f1_score", "numberValue": 0.7},
                  {"name": "0starts-with-digit", "numberValue": 1},
                  {"name": 7, "numberValue": 1},
                  {"name": "ends-with-dash-", "numberValue": 1},
                  {"name": "UNSPEC", "numberValue": 2, "format": "UNSPECIFIED"},
                  {"name": "enum-number", "numberValue": 3, "format": 2},
                  {"name": "both", "numberValue": 1, "number_value": 2}
                ], "version": 2}
                """);
        assertEquals(List.of("accuracy", "f1_score", "UNSPEC", "enum-number"),
                r.metrics().stream().map(Metric::name).toList());
        assertEquals(List.of(0, 9, 13, 14), r.metrics().stream().map(Metric::entry).toList());
        assertEquals("PERCENTAGE", r.metrics().get(3).format());
        assertNull(r.metrics().get(2).format());
        assertEquals(List.of("1:name", "2:numberValue", "3:numberValue", "4:numberValue", "5:format", "6:null", "7:name",
                "8:numberValue", "10:name", "11:name", "12:name", "15:number_value"), where(r.errors()));
        assertTrue(r.errors().get(0).message().contains("doesn't match with the pattern '^[a-zA-Z]([-_a-zA-Z0-9]{0,62}[a-zA-Z0-9])?$'"),
                r.errors().get(0).message());
        assertTrue(r.errors().get(1).message().contains("NaN"), r.errors().get(1).message());
        assertTrue(r.errors().get(6).message().contains("duplicate"), r.errors().get(6).message());
        r.errors().forEach(e -> assertEquals(FILE, e.file()));
    }

    @Test
    void nameRuleIsKfpsRegexUpTo64Characters() {
        String ok = "a" + "b".repeat(62) + "c";
        String tooLong = ok + "d";
        var r = parse("{\"metrics\": [{\"name\": \"" + ok + "\", \"numberValue\": 1}, {\"name\": \"" + tooLong + "\", \"numberValue\": 1},"
                + " {\"name\": \"x\", \"numberValue\": 1}, {\"name\": \"Ab-_9\", \"numberValue\": 1}, {\"name\": \"\", \"numberValue\": 1}]}");
        assertEquals(List.of(ok, "x", "Ab-_9"), r.metrics().stream().map(Metric::name).toList());
        assertEquals(List.of("1:name", "4:name"), where(r.errors()));
    }

    @Test
    void overFiftyKeepsTheFirstFiftyAndReportsTheTruncationOnce() {
        String entries = IntStream.range(0, 53).mapToObj(i -> "{\"name\": \"m" + i + "\", \"numberValue\": " + i + "}")
                .collect(Collectors.joining(","));
        var r = parse("{\"metrics\": [" + entries + "]}");
        assertEquals(50, r.metrics().size());
        assertEquals("m49", r.metrics().get(49).name());
        assertEquals(List.of("50:null"), where(r.errors()));
        assertTrue(r.errors().get(0).message().contains("first 50"), r.errors().get(0).message());
    }

    @Test
    void fileLevelErrorsAreTheFilesOnlyError() {
        for (String bad : List.of("invalid JSON", "[1, 2]", "{\"metrics\": [{\"name\": \"a\", \"numberValue\": 1}", "42")) {
            var r = parse(bad);
            assertEquals(List.of("null:null"), where(r.errors()), bad);
            assertEquals(List.of(), r.metrics(), bad);
        }
        assertEquals(List.of("null:metrics"), where(parse("{\"metric\": []}").errors()));
        assertEquals(List.of("null:metrics"), where(parse("{\"metrics\": {\"name\": \"a\"}}").errors()));
        assertTrue(parse("invalid JSON").errors().get(0).message().startsWith("not valid JSON"));
    }

    @Test
    void emptyFileHoldsNothingAndIsNoError() {
        var r = parse("  \n");
        assertEquals(List.of(), r.metrics());
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), parse("{\"metrics\": []}").errors());
    }
}
