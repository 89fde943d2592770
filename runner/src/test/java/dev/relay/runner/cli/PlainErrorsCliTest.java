package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, failure 7: what the CLI prints about a broken run is one plain line naming the object,
 * never a stack trace or a Java exception class name.
 */
class PlainErrorsCliTest {
    @TempDir Path state;

    static void plain(String text) {
        assertFalse(text.matches("(?s).*(Exception|\\bat [a-z]+\\.[a-z]+|com\\.fasterxml|java\\.lang|\\[Source:).*"), text);
    }

    /** Writes {@code content} as the run's run.json in the embedded store's folder. */
    Path runJson(String runId, String content) throws Exception {
        Path f = state.resolve("s3/mlpipeline/runs/" + runId + "/run.json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return f;
    }

    @Test
    void aRunWhoseRunJsonIsNotJsonIsNamedInOnePlainLine() throws Exception {
        runJson("r-broken-1", "{\"runId\": \"r-broken-1\", oops");
        Cli r = Cli.run("runs", "get", "r-broken-1", "--state-dir", state.toString());
        assertTrue(r.exit() != 0, r.err());
        assertTrue(r.err().contains("runs/r-broken-1/run.json"), r.err());
        assertTrue(r.err().contains("line 1, column"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        plain(r.err());
        Cli j = Cli.run("runs", "get", "r-broken-1", "--state-dir", state.toString(), "--json");
        assertTrue(j.exit() != 0, j.err());
        assertTrue(j.out().contains("runs/r-broken-1/run.json"), j.out());
        plain(j.out());
    }

    @Test
    void aRunJsonOfTheWrongShapeNamesTheFieldNotAJavaType() throws Exception {
        runJson("r-broken-2", "{\"runId\": \"r-broken-2\", \"parameters\": {\"count\": {\"x\": 1}}}");
        Cli r = Cli.run("runs", "get", "r-broken-2", "--state-dir", state.toString());
        assertTrue(r.exit() != 0, r.err());
        assertTrue(r.err().contains("field parameters.count: expected a string"), r.err());
        plain(r.err());
    }
}
