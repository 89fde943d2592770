package dev.relay.runner.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.recovery.RunRetry;
import dev.relay.runner.run.RunCancel;
import dev.relay.runner.run.RunService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel and then a retry of the same run in ONE process (what the server does for KFP's
 * terminate and retry): the launcher that ended the canceled attempt runs the retry's new attempt.
 * The CLI's {@code relay runs retry} always ran in a fresh process, which hid that the launcher
 * remembered the cancel for the whole run.
 */
class RetryAfterCancelTest {
    @TempDir Path tmp;

    private static RunStatus awaitEnd(EmbeddedRuntime rt, String runId, int generation) throws Exception {
        for (int i = 0; i < 1200; i++) {
            var g = rt.recovery().generations().current(runId);
            Optional<RunStatus> s = rt.recovery().generations().status(g);
            if (g.generation() == generation && s.isPresent()) {
                return s.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("generation " + generation + " of run " + runId + " did not end within a minute");
    }

    private static AttemptStatus attempt(EmbeddedRuntime rt, String runId, String task, int n) {
        String key = RunLayout.attemptStatus(runId, task, n);
        return Json.read(rt.store().get(key).orElseThrow(() -> new AssertionError("missing " + key)), AttemptStatus.class, key);
    }

    @Test
    void aRetryInTheProcessThatCanceledRunsTheCanceledTaskAgainToSuccess() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Path nap = Path.of("src/test/resources/recovery/nap.yaml").toAbsolutePath();
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(tmp.resolve("state"), 0, LaunchListener.NONE)) {
            String runId = rt.runs().newRunId();
            rt.runs().submit(runId, RunService.prepare(nap), Map.of("dir", dir.toString()), RunDoc.Cause.cli());
            Path pid = dir.resolve("nap.pid");
            for (int i = 0; i < 1200 && !Files.exists(pid); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(pid), "nap started within a minute");
            long napPid = Long.parseLong(Files.readString(pid).strip());

            RunCancel cancel = new RunCancel(rt.store(), rt.controller().launcher(), Clock.systemUTC(), rt.recovery().executions());
            assertEquals(RunCancel.Outcome.CANCELED, cancel.cancel(runId).orElseThrow().outcome());
            assertEquals(Phase.Canceled, awaitEnd(rt, runId, 1).phase());
            for (int i = 0; i < 200 && ProcessHandle.of(napPid).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(50);
            }
            // the canceled attempt's status is written by its execution thread once its process ended
            for (int i = 0; i < 200 && rt.store().stat(RunLayout.attemptStatus(runId, "nap", 1)).isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertEquals(AttemptStatus.CANCELED, attempt(rt, runId, "nap", 1).reason());

            RunRetry.Result r = rt.recovery().retry().retry(runId).orElseThrow();

            assertEquals(2, r.generation());
            assertEquals(Map.of("nap", 2), r.tasks());
            RunStatus end = awaitEnd(rt, runId, 2);
            assertEquals(Phase.Succeeded, end.phase(), end.toString());
            assertEquals(ExecutionPhase.Succeeded, attempt(rt, runId, "nap", 2).phase(), "the retry's attempt ran, not refused as canceled");
            assertEquals(ExecutionPhase.Succeeded, attempt(rt, runId, "last", 1).phase());
            assertEquals(1, Files.readAllLines(dir.resolve("first.count")).size(), "first succeeded before: not run again");
            assertEquals(Phase.Canceled, Json.read(rt.store().get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "gen 1").phase(),
                    "the first generation's end stays as written");
        }
    }
}
