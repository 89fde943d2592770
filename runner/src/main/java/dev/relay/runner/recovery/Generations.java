package dev.relay.runner.recovery;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.contract.Times;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's generations. A run starts in generation 1; {@code relay run --resume},
 * {@code relay runs retry} and {@code relay runs cancel} start the next one. Each generation ends
 * with one run {@code status.json}, written with {@code putIfAbsent} on the generation's key, so
 * of two writers exactly one decides how the generation ended. A cancel's generation runs nothing:
 * only the cancel writes its status ({@code Canceled}), and the controller leaves it alone:
 * <pre>
 * runs/&lt;run&gt;/status.json                     generation 1 (as written before generations existed)
 * runs/&lt;run&gt;/generations/&lt;g&gt;.json             generation g &ge; 2 started: {"runId","generation","cause","createdAt","attempts"}
 * runs/&lt;run&gt;/generations/&lt;g&gt;/status.json      generation g &ge; 2 ended
 * </pre>
 * {@code attempts} maps a task path to the first attempt number that counts in this generation:
 * attempts below it (the failed or canceled ones a retry re-runs) are history, not state, so the
 * engine sees the task as not yet run and its retry budget starts afresh. Markers accumulate: a
 * generation's map holds every earlier generation's entries too. A run is over when its current
 * generation has a status.
 */
public final class Generations {
    private static final Pattern MARKER = Pattern.compile("runs/([^/]+)/generations/([0-9]{1,6})\\.json");

    /** Why a generation started. */
    public static final String RESUME = "resume";
    public static final String RETRY = "retry";
    public static final String CANCEL = "cancel";

    /**
     * One generation.
     *
     * @param generation 1-based
     * @param cause      null for generation 1, else {@link #RESUME}, {@link #RETRY} or {@link #CANCEL}
     * @param attempts   task path → first attempt of the task that counts (absent: 1)
     */
    public record Generation(String runId, int generation, String cause, String createdAt, Map<String, Integer> attempts) {
        /** @return the first attempt number of {@code task} that counts in this generation */
        public int firstAttempt(String task) {
            return attempts == null ? 1 : attempts.getOrDefault(task, 1);
        }

        /** @return whether a cancel started this generation (it launches nothing; the cancel ends it) */
        public boolean isCancel() {
            return CANCEL.equals(cause);
        }
    }

    private final ArtifactStore store;
    private final Clock clock;

    public Generations(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return the key of generation {@code g}'s run status */
    public static String statusKey(String runId, int g) {
        return g <= 1 ? RunLayout.runStatus(runId) : RunLayout.runPrefix(runId) + "generations/" + g + "/status.json";
    }

    /** @return the key of generation {@code g}'s start marker ({@code g >= 2}) */
    public static String markerKey(String runId, int g) {
        return RunLayout.runPrefix(runId) + "generations/" + g + ".json";
    }

    /** @return the run id when {@code key} is a generation's start marker ({@code runs/<run>/generations/<g>.json}), else empty */
    public static Optional<String> markerRun(String key) {
        Matcher m = MARKER.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** @return the run's current (newest) generation; generation 1 when none other was started */
    public Generation current(String runId) {
        int newest = 1;
        for (String k : store.list(RunLayout.runPrefix(runId) + "generations/", false)) {
            Matcher m = MARKER.matcher(k);
            if (m.matches()) {
                newest = Math.max(newest, Integer.parseInt(m.group(2)));
            }
        }
        if (newest == 1) {
            return new Generation(runId, 1, null, null, Map.of());
        }
        String key = markerKey(runId, newest);
        return store.get(key).map(b -> Json.read(b, Generation.class, key))
                .orElseThrow(() -> new IllegalStateException("missing " + key));
    }

    /** @return the status the current generation ended with; empty while it runs */
    public Optional<RunStatus> status(String runId) {
        return status(current(runId));
    }

    /** @return the status generation {@code g} ended with; empty while it runs */
    public Optional<RunStatus> status(Generation g) {
        String key = statusKey(g.runId(), g.generation());
        return store.get(key).map(b -> Json.read(b, RunStatus.class, key));
    }

    /** @return whether the run's current generation has ended (the run is over until a retry or resume) */
    public boolean isOver(String runId) {
        return store.stat(statusKey(runId, current(runId).generation())).isPresent();
    }

    /**
     * Whether generation {@code g} may still start executions: it has no status and no later
     * generation was started (a cancel's, retry's or resume's marker). Two stats, no listing: the
     * controller asks it around each launch, since a cancel may start its generation while a launch
     * of {@code g} is under way.
     */
    public boolean isOpen(Generation g) {
        return !store.exists(markerKey(g.runId(), g.generation() + 1))
                && !store.exists(statusKey(g.runId(), g.generation()));
    }

    /**
     * Ends generation {@code g} with {@code status} unless it has ended already.
     *
     * @return true when this call wrote the status
     */
    public boolean finish(Generation g, RunStatus status) {
        return store.putIfAbsent(statusKey(g.runId(), g.generation()), Json.bytes(status));
    }

    /** Ends the run's current generation with {@code status} unless it has ended already. */
    public boolean finish(RunStatus status) {
        return finish(current(status.runId()), status);
    }

    /**
     * Starts the generation after {@code after}.
     *
     * @param restart task path → first attempt that counts from now on (added to the earlier entries)
     * @return the new generation
     * @throws IllegalStateException when another caller started that generation first
     */
    public Generation begin(Generation after, String cause, Map<String, Integer> restart) {
        Map<String, Integer> attempts = new LinkedHashMap<>(after.attempts() == null ? Map.of() : after.attempts());
        attempts.putAll(restart);
        Generation next = new Generation(after.runId(), after.generation() + 1, cause, Times.format(clock.instant()), attempts);
        if (!store.putIfAbsent(markerKey(after.runId(), next.generation()), Json.bytes(next))) {
            throw new IllegalStateException("run " + after.runId() + ": generation " + next.generation()
                    + " was started by someone else at the same time");
        }
        return next;
    }
}
