package dev.relay.runner.experiment;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.store.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Experiments ({@code experiments/<experimentId>.json}) and runs' records
 * ({@code experiments/runs/<runId>.json}: experiment, display name, description, archive state,
 * recurring run). The {@code Default} experiment always exists (its id is a name-based UUID, so
 * every server agrees on it); a run without a record (started by {@code relay run}, a trigger or
 * {@code /api/v1}) belongs to it, shown by its run id, available.
 */
public final class Experiments {
    /** Prefix of every object of this service. */
    public static final String PREFIX = "experiments/";
    /** The experiment that always exists. */
    public static final String DEFAULT_NAME = "Default";
    /** KFP's storage states. */
    public static final String AVAILABLE = "AVAILABLE";
    public static final String ARCHIVED = "ARCHIVED";

    private static final String RUNS = PREFIX + "runs/";
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * {@code experiments/<experimentId>.json}.
     *
     * @param storageState {@link #AVAILABLE} or {@link #ARCHIVED}
     */
    public record Experiment(String experimentId, String displayName, String description, String createdAt,
                             String storageState) {
        Experiment with(String state) {
            return new Experiment(experimentId, displayName, description, createdAt, state);
        }
    }

    /**
     * {@code experiments/runs/<runId>.json}: what KFP knows of a run beyond {@code run.json}.
     *
     * @param recurringRunId the schedule that started it, or null
     */
    public record RunRecord(String runId, String experimentId, String displayName, String description,
                            String storageState, String recurringRunId) {
        /** @return this record with another storage state */
        public RunRecord with(String state) {
            return new RunRecord(runId, experimentId, displayName, description, state, recurringRunId);
        }
    }

    private final ArtifactStore store;
    private final Clock clock;

    /** @param clock dates new experiments */
    public Experiments(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return the id of the {@code Default} experiment */
    public static String defaultId() {
        return UUID.nameUUIDFromBytes(("relay:experiment:" + DEFAULT_NAME).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** @return the Default experiment, written on first use */
    public Experiment ensureDefault() {
        String key = key(defaultId());
        Optional<byte[]> written = store.get(key);
        if (written.isPresent()) {
            return Json.read(written.get(), Experiment.class, key);
        }
        Experiment d = new Experiment(defaultId(), DEFAULT_NAME, "All runs created without specifying an experiment",
                Times.format(clock.instant()), AVAILABLE);
        store.putIfAbsent(key, Json.bytes(d));
        return d;
    }

    /**
     * Creates an experiment.
     *
     * @throws IllegalArgumentException naming {@code display_name} when it is empty or taken
     */
    public Experiment create(String displayName, String description) {
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("display_name: an experiment needs a non-empty display name");
        }
        ensureDefault();
        if (list().stream().anyMatch(e -> e.displayName().equals(displayName))) {
            throw new IllegalArgumentException("display_name: an experiment named '" + displayName + "' already exists");
        }
        Experiment e = new Experiment(UUID.randomUUID().toString(), displayName, description == null ? "" : description,
                Times.format(clock.instant()), AVAILABLE);
        store.put(key(e.experimentId()), Json.bytes(e));
        return e;
    }

    /** @return the experiment, or empty (also for an id that is not a UUID) */
    public Optional<Experiment> get(String id) {
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
            return Optional.empty();
        }
        if (id.equals(defaultId())) {
            Optional<byte[]> b = store.get(key(id));
            return Optional.of(b.map(x -> Json.read(x, Experiment.class, key(id))).orElseGet(this::ensureDefault));
        }
        return store.get(key(id)).map(b -> Json.read(b, Experiment.class, key(id)));
    }

    /** @return the experiment named {@code displayName}, or empty */
    public Optional<Experiment> byName(String displayName) {
        return list().stream().filter(e -> e.displayName().equals(displayName)).findFirst();
    }

    /** @return every experiment (Default included), oldest first */
    public List<Experiment> list() {
        ensureDefault();
        List<Experiment> out = new ArrayList<>();
        for (String k : store.list(PREFIX, false)) {
            if (k.endsWith(".json")) {
                store.get(k).ifPresent(b -> out.add(Json.read(b, Experiment.class, k)));
            }
        }
        out.sort(java.util.Comparator.comparing(Experiment::createdAt).thenComparing(Experiment::experimentId));
        return out;
    }

    /** Sets an experiment's storage state; @return false when there is no such experiment */
    public boolean setState(String id, String state) {
        Optional<Experiment> e = get(id);
        e.ifPresent(x -> store.put(key(id), Json.bytes(x.with(state))));
        return e.isPresent();
    }

    /**
     * Deletes an experiment (not Default); its runs' records move to Default.
     *
     * @return false when there is no such experiment
     * @throws IllegalArgumentException for Default
     */
    public boolean delete(String id) {
        if (defaultId().equals(id)) {
            throw new IllegalArgumentException("experiment_id: the Default experiment cannot be deleted");
        }
        if (get(id).isEmpty()) {
            return false;
        }
        for (RunRecord r : records()) {
            if (id.equals(r.experimentId())) {
                putRecord(new RunRecord(r.runId(), defaultId(), r.displayName(), r.description(), r.storageState(),
                        r.recurringRunId()));
            }
        }
        store.delete(key(id));
        return true;
    }

    /** Writes a run's record (before its {@code run.json}, so the run is never seen outside its experiment). */
    public void putRecord(RunRecord r) {
        store.put(recordKey(r.runId()), Json.bytes(r));
    }

    /**
     * @return the run's record; for a run without one, the implicit record (Default, shown by its id,
     *     available)
     */
    public RunRecord record(String runId) {
        String key = recordKey(runId);
        return store.get(key).map(b -> Json.read(b, RunRecord.class, key))
                .orElseGet(() -> new RunRecord(runId, defaultId(), runId, "", AVAILABLE, null));
    }

    /** @return every written run record, by run id */
    public List<RunRecord> records() {
        List<RunRecord> out = new ArrayList<>();
        for (String k : store.list(RUNS, false)) {
            if (k.endsWith(".json")) {
                store.get(k).ifPresent(b -> out.add(Json.read(b, RunRecord.class, k)));
            }
        }
        return out;
    }

    /** Removes a run's record. */
    public void deleteRecord(String runId) {
        store.delete(recordKey(runId));
    }

    private static String recordKey(String runId) {
        RunLayout.runPrefix(runId); // checks the id is a run id (a DNS-1123 label)
        return RUNS + runId + ".json";
    }

    private static String key(String id) {
        return PREFIX + id + ".json";
    }
}
