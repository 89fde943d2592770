package dev.relay.runner.recovery;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.util.Optional;

/**
 * The intent record of a launch: {@code runs/<run>/tasks/<path>/attempts/<n>/launched.json},
 * written with {@code putIfAbsent} <em>before</em> the execution starts, so whoever drives the
 * run (this process, a restarted server, a replayed event) launches an attempt at most once:
 * only the caller whose {@link #claim} wrote the record may launch (a launch that threw gives its
 * claim back, {@link #release}). The record names the launcher
 * kind and the {@link Owner}; an attempt with a record and no {@code status.json} is either still
 * running or lost, which {@link Sweep} decides. The bucket is the run's log, so the record
 * survives any crash of the driver.
 */
public final class LaunchIntents {
    /** The record's file name inside {@code attempts/<n>/}. */
    public static final String FILE = "launched.json";
    /** Launcher kinds. */
    public static final String LOCAL = "local";
    public static final String KUBERNETES = "kubernetes";

    /**
     * The record.
     *
     * @param launcher {@link #LOCAL} or {@link #KUBERNETES}
     * @param owner    the process that launched it (for {@link #LOCAL}: the one that runs the process)
     * @param launchedAt RFC 3339
     */
    public record Intent(String runId, String task, int attempt, String launcher, Owner owner, String launchedAt) {}

    private final ArtifactStore store;
    private final Clock clock;

    public LaunchIntents(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return the record's key: {@code runs/<run>/tasks/<path>/attempts/<n>/launched.json} */
    public static String key(String runId, String task, int attempt) {
        return RunLayout.attemptPrefix(runId, task, attempt) + FILE;
    }

    /**
     * Claims attempt {@code attempt} of {@code task} for this process.
     *
     * @return true when this call wrote the record (the caller launches), false when the attempt
     *     was claimed before (the caller launches nothing)
     * @throws dev.relay.runner.store.StoreException when the store cannot be written
     */
    public boolean claim(String runId, String task, int attempt, String launcher) {
        Intent i = new Intent(runId, task, attempt, launcher, Owner.self(), Times.format(clock.instant()));
        return store.putIfAbsent(key(runId, task, attempt), Json.bytes(i));
    }

    /**
     * Gives back a claim whose launch failed before the execution could start (the launcher, the
     * cache or the store threw): the record is removed, so the next evaluation claims and launches
     * the attempt. Only the claim's writer calls it, right after the failure.
     *
     * @throws dev.relay.runner.store.StoreException when the store cannot be written (the record stays)
     */
    public void release(String runId, String task, int attempt) {
        store.delete(key(runId, task, attempt));
    }

    /** @return the record of an attempt, when it was claimed */
    public Optional<Intent> read(String runId, String task, int attempt) {
        String key = key(runId, task, attempt);
        return store.get(key).map(b -> Json.read(b, Intent.class, key));
    }
}
