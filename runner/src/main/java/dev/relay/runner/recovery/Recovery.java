package dev.relay.runner.recovery;

import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;

/**
 * Crash recovery of one bucket, wired once per process: the {@link Sweep} (server start, every
 * minute, PingSource, {@code relay run --resume}), {@link RunRetry} (retry and resume) and the
 * parts they share. Cancel is {@code run.RunCancel} (it needs the launcher).
 *
 * @param executions the local execution records of this machine, or null where executions are Jobs
 */
public record Recovery(ArtifactStore store, Generations generations, LaunchIntents intents,
                       LocalExecutions executions, Sweep sweep, RunRetry retry) {

    /** @param driver the run controller's evaluation of one run */
    public static Recovery of(ArtifactStore store, LocalExecutions executions, RunDriver driver, Clock clock) {
        return of(store, executions, driver, clock, null);
    }

    /**
     * @param driver the run controller's evaluation of one run
     * @param remote where the sweep asks whether a Job-launched attempt's Job still exists, or null
     */
    public static Recovery of(ArtifactStore store, LocalExecutions executions, RunDriver driver, Clock clock,
                              RemoteExecutions remote) {
        Generations g = new Generations(store, clock);
        LaunchIntents i = new LaunchIntents(store, clock);
        Sweep s = new Sweep(store, g, i, executions, driver, clock, remote);
        return new Recovery(store, g, i, executions, s, new RunRetry(store, g, s));
    }
}
