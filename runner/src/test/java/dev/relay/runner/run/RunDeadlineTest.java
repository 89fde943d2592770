package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.Times;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.AttemptDeadline;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.recovery.Recovery;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.FilesystemArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Argo Workflow's {@code activeDeadlineSeconds} as the run's deadline, enforced by the recovery
 * sweep: a run whose executions never report (a launcher that starts nothing, as after a lost
 * notification) ends {@code Failed} with the deadline as its message once the sweep finds it past
 * its deadline, its running tasks Failed and its executions ended; before the deadline the sweep
 * leaves it running. The requests carry the deadline for the launchers.
 */
class RunDeadlineTest {
    @TempDir Path state;

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theSweepEndsARunPastItsDeadline() throws Exception {
        ArtifactStore store = FilesystemArtifactStore.open(state.resolve("s3"), "mlpipeline", "minio", b -> { });
        MovingClock clock = new MovingClock();
        List<ExecutionRequest> launched = new CopyOnWriteArrayList<>();
        List<String> canceled = new CopyOnWriteArrayList<>();
        Launcher launcher = new Launcher() {
            @Override
            public boolean launch(ExecutionRequest r) {
                return launched.add(r);
            }

            @Override
            public int cancel(String runId) {
                canceled.add(runId);
                return 1;
            }
        };
        RunController controller = new RunController(store, launcher, clock);
        RunService runs = new RunService(store, clock);
        String runId = runs.newRunId();
        runs.submit(runId, RunService.prepare(Path.of("src/test/resources/argo/deadline.workflow.yaml").toAbsolutePath()),
                Map.of(), RunDoc.Cause.cli());
        controller.evaluate(runId);
        assertEquals(2, launched.size(), "capped and slow start");
        for (ExecutionRequest r : launched) {
            assertEquals("2026-12-01T10:00:04.000Z", r.annotations().get(AttemptDeadline.RUN_DEADLINE), r.task());
        }
        ExecutionRequest capped = launched.stream().filter(r -> r.task().equals("capped")).findFirst().orElseThrow();
        assertEquals("1s", capped.annotations().get(AttemptDeadline.TIMEOUT));
        assertEquals(Instant.parse("2026-12-01T10:00:01Z"), AttemptDeadline.of(capped.annotations(), clock.now).at(),
                "the template's 1 s comes before the run's 4 s");

        Recovery recovery = Recovery.of(store, null, controller::evaluate, clock);
        clock.now = clock.now.plus(Duration.ofSeconds(3));
        recovery.sweep().sweep();
        assertTrue(store.get(RunLayout.runStatus(runId)).isEmpty(), "3 s in, the run goes on");
        assertTrue(canceled.isEmpty());

        clock.now = clock.now.plus(Duration.ofSeconds(2));
        recovery.sweep().sweep();
        RunStatus status = Json.read(store.get(RunLayout.runStatus(runId)).orElseThrow(), RunStatus.class, "status");
        assertEquals(Phase.Failed, status.phase());
        assertEquals("the run passed its deadline: activeDeadlineSeconds 4 of the Workflow, due at 2026-12-01T10:00:04.000Z",
                status.message());
        assertEquals(Times.format(clock.now), status.finishedAt());
        assertEquals(Map.of("capped", Phase.Failed, "slow", Phase.Failed, "after", Phase.Skipped), status.tasks());
        assertEquals(List.of(runId), canceled, "its running executions were ended");
        assertEquals(status.message(), RunView.load(store, runId).orElseThrow().message(), "the run view says why");

        recovery.sweep().sweep();
        controller.evaluate(runId);
        assertEquals(1, canceled.size(), "ended once");
        assertEquals(2, launched.size(), "nothing launched after the deadline");
        assertFalse(Json.MAPPER.readTree(store.get(RunLayout.runStatus(runId)).orElseThrow()).path("message").isMissingNode());
    }
}
