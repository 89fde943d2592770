package dev.relay.runner.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process groups and local execution records, on real processes. */
class LocalExecutionsTest {
    @TempDir Path state;

    @Test
    void endingAnExecutionEndsEveryProcessOfItsGroupAlsoWhenItsLeaderIsGone() throws Exception {
        assumeTrue(LocalExecutions.groupsAvailable(), "setsid is not installed: executions run without their own process group");
        LocalExecutions ex = new LocalExecutions(state);
        Path pidFile = state.resolve("child.pid");
        // the leader forks a grandchild that outlives it, as a task's background helper would
        Process p = new ProcessBuilder(LocalExecutions.wrap(List.of("sh", "-c", "sleep 300 & echo $! > " + pidFile + "; wait")))
                .redirectErrorStream(true).start();
        LocalExecutions.Record r = ex.begin("r-1", "loop/0/train", 1, p);
        while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            Thread.sleep(20);
        }
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertEquals(p.pid(), r.pid());
        assertTrue(r.group());
        assertEquals(r, ex.read("r-1", "loop/0/train", 1).orElseThrow());
        assertTrue(LocalExecutions.groupRuns(r.pid()), "the group runs");

        assertTrue(LocalExecutions.end(r, 2000));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertTrue(ProcessHandle.of(child).map(h -> {
            h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            return !h.isAlive();
        }).orElse(true), "the grandchild is gone too");
        assertFalse(LocalExecutions.groupRuns(r.pid()), "nothing of the group runs");
        assertFalse(LocalExecutions.end(r, 100), "nothing left to end");
    }

    /**
     * The leader of an orphaned group exited but nobody reaped it (its parent, the dead driver's
     * heir, does not wait): a zombie with the record's PID and start time is that same leader, not
     * a reused PID, so the rest of its group is still ended (attempt 1 must not run beside attempt 2).
     */
    @Test
    void aGroupWhoseLeaderIsAnUnreapedZombieIsStillEnded() throws Exception {
        assumeTrue(LocalExecutions.groupsAvailable(), "setsid is not installed: executions run without their own process group");
        Path leaderFile = state.resolve("leader.pid");
        Path childFile = state.resolve("child.pid");
        // the leader runs in its own session under a parent that never waits for it (exec sleep)
        String inner = "echo $$ > " + leaderFile + ".t; mv " + leaderFile + ".t " + leaderFile
                + "; sleep 300 & echo $! > " + childFile + ".t; mv " + childFile + ".t " + childFile + "; sleep 1; exit 0";
        Process parent = new ProcessBuilder("sh", "-c", LocalExecutions.wrap(List.of("sh", "-c", "'" + inner + "'")).stream()
                .reduce((a, b) -> a + " " + b).orElseThrow() + " & exec sleep 600").redirectErrorStream(true).start();
        try {
            while (!Files.exists(childFile) || !Files.exists(leaderFile)) {
                Thread.sleep(20);
            }
            long leader = Long.parseLong(Files.readString(leaderFile).strip());
            long child = Long.parseLong(Files.readString(childFile).strip());
            long startedAt = ProcessHandle.of(leader).orElseThrow().info().startInstant().orElseThrow().toEpochMilli();
            while (!Owner.zombie(leader)) {
                Thread.sleep(20);
            }
            LocalExecutions.Record r = new LocalExecutions.Record("r-z", "nap", 1, leader, startedAt, true,
                    new Owner(1, 1, Owner.hostName()), null, null);

            assertTrue(LocalExecutions.end(r, 2000), "the group was signalled");
            assertTrue(ProcessHandle.of(child).map(h -> {
                h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                return !h.isAlive();
            }).orElse(true), "the leader's child is gone");
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void anOutcomeIsNotedInPlaceWithoutGrowingTheRecord() throws Exception {
        LocalExecutions ex = new LocalExecutions(state);
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        LocalExecutions.Record r = ex.begin("r-2", "sum", 3, p);
        Path f = state.resolve("executions/r-2/sum/3.json");
        assertEquals(LocalExecutions.RECORD_SIZE, Files.size(f));
        assertTrue(ex.noteOutcome(r, "StoreUnavailable", "the store is unavailable: cannot write x (No space left on device)"));
        assertEquals(LocalExecutions.RECORD_SIZE, Files.size(f));
        LocalExecutions.Record read = ex.read("r-2", "sum", 3).orElseThrow();
        assertEquals("StoreUnavailable", read.reason());
        assertEquals(r.pid(), read.pid());
        assertEquals(List.of(read), ex.ofRun("r-2"));
        ex.end(r);
        assertTrue(ex.read("r-2", "sum", 3).isEmpty());
    }

    @Test
    void anOwnerIsAliveOnlyWithItsStartTime() throws Exception {
        Owner self = Owner.self();
        assertTrue(self.alive());
        assertFalse(new Owner(self.pid(), self.startedAt() - 1000, self.host()).alive(), "same PID, another process");
        Process p = new ProcessBuilder("true").start();
        Owner gone = Owner.of(p.toHandle()).orElse(new Owner(p.pid(), 1L, self.host()));
        p.waitFor();
        p.onExit().join();
        assertFalse(gone.alive());
        assertTrue(new Owner(1, 1, "some-other-machine.example").alive(), "another machine's owner cannot be judged from here");
    }
}
