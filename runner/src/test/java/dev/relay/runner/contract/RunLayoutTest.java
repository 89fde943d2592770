package dev.relay.runner.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunLayoutTest {
    private static RunLayout.Key parse(String key) {
        return RunLayout.parse(key).orElseThrow(() -> new AssertionError("not parsed: " + key));
    }

    @Test
    void oneSegmentKeysReadAsBefore() {
        assertEquals(new RunLayout.Key(RunLayout.Kind.ATTEMPT_STATUS, "r-1", "sum", 2, null),
                parse("runs/r-1/tasks/sum/attempts/2/status.json"));
        assertEquals(new RunLayout.Key(RunLayout.Kind.OUTPUT, "r-1", "sum", 0, "dir/file.txt"),
                parse("runs/r-1/tasks/sum/outputs/dir/file.txt"));
        assertEquals(new RunLayout.Key(RunLayout.Kind.METRICS, "r-1", "sum", 0, null),
                parse("runs/r-1/tasks/sum/mlpipeline-metrics.json"));
        assertEquals(RunLayout.Kind.RUN_JSON, parse("runs/r-1/run.json").kind());
    }

    @Test
    void taskPathsParseOneWay() {
        assertEquals(new RunLayout.Key(RunLayout.Kind.ATTEMPT_STATUS, "r-1", "for-loop-2/0/print-op", 1, null),
                parse("runs/r-1/tasks/for-loop-2/0/print-op/attempts/1/status.json"));
        assertEquals(new RunLayout.Key(RunLayout.Kind.TASK_STATUS, "r-1", "inner-pipeline/condition-1", 0, null),
                parse("runs/r-1/tasks/inner-pipeline/condition-1/status.json"));
        // an output whose name looks like an attempt's status is still an output
        assertEquals(new RunLayout.Key(RunLayout.Kind.OUTPUT, "r-1", "a/0/b", 0, "attempts/1/status.json"),
                parse("runs/r-1/tasks/a/0/b/outputs/attempts/1/status.json"));
        assertEquals("runs/r-1/tasks/a/0/b/attempts/3/status.json", RunLayout.attemptStatus("r-1", "a/0/b", 3));
        assertEquals("runs/r-1/tasks/a/0/status.json", RunLayout.taskStatus("r-1", "a/0"));
        assertTrue(RunLayout.parse("runs/r-1/tasks/a/b").isEmpty());
        assertTrue(RunLayout.parse("runs/r-1/tasks/A/attempts/1/status.json").isEmpty());
    }

    @Test
    void badPathsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RunLayout.taskPrefix("r-1", "a//b"));
        assertThrows(IllegalArgumentException.class, () -> RunLayout.taskPrefix("r-1", "a/../b"));
        assertThrows(IllegalArgumentException.class, () -> RunLayout.taskPrefix("r-1", "a/outputs"));
        assertThrows(IllegalArgumentException.class, () -> RunLayout.taskPrefix("r-1", "/a"));
    }
}
