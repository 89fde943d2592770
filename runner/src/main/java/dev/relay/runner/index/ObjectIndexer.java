package dev.relay.runner.index;

import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.store.ArtifactStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps the index current from object events: the hook the embedded runtime
 * ({@code EmbeddedRuntime.addObserver(indexer::onObject)}) and the cluster's artifact function
 * call for every object written to the Relay bucket.
 *
 * <p>It indexes {@code runs/<run>/run.json}, the run's status, each attempt's
 * {@code status.json}, and each task's {@code mlpipeline-metrics.json} and
 * {@code mlpipeline-ui-metadata.json}; every other key is ignored. A succeeded attempt's status
 * also re-reads the task's UI metadata, so a {@code minio://} source written by the same task
 * after the metadata file is resolved whatever order the events came in. A succeeded KFP v2
 * attempt's {@code system.Metrics}, {@code system.ClassificationMetrics}, {@code system.HTML} and
 * {@code system.Markdown} artifacts are indexed from its status ({@link V2ArtifactReports}) as
 * metrics and visualizations, like their v1 counterparts. An object that is gone
 * when read removes what the index held for it.
 *
 * <p>The run's status is its current generation's ({@link Generations}: a retry, resume or cancel
 * starts the next one): any generation's {@code status.json} or start marker
 * ({@code runs/<run>/generations/<g>.json}) makes the indexer read the current generation's status,
 * and a run whose current generation has none is {@code Running} again (a retried run), whatever
 * order the events came in. A failed attempt's status makes it read the run's status too: a cancel
 * from another process (a {@code relay runs cancel} beside a {@code relay run} or server) is seen
 * through the canceled attempts, whose statuses the run's driver writes.
 *
 * <p>Indexing never throws: a broken file becomes {@link IndexError}s, and a failure of the store
 * or database is reported to the warning sink (stderr by default) and leaves the run alone.
 */
public final class ObjectIndexer {
    private final ArtifactStore store;
    private final RunIndex index;
    private final SourceReader sources;
    private final Consumer<String> warnings;
    private final Generations generations;

    /** Warnings go to stderr, prefixed {@code relay: index:}. */
    public ObjectIndexer(ArtifactStore store, RunIndex index) {
        this(store, index, w -> System.err.println("relay: index: " + w));
    }

    /** @param warnings receives one line per store or database failure */
    public ObjectIndexer(ArtifactStore store, RunIndex index, Consumer<String> warnings) {
        this.store = store;
        this.index = index;
        this.sources = new SourceReader(store);
        this.warnings = warnings;
        this.generations = new Generations(store, java.time.Clock.systemUTC());
    }

    /**
     * Handles one object event: records of other buckets, of keys the index does not use and of
     * events that bring no new data (tagging, access) are ignored; a removal re-indexes the key
     * (which clears it).
     */
    public void onObject(S3Record r) {
        if (!store.bucket().equals(r.bucket())) {
            return;
        }
        if (!r.isNewData() && !r.eventType().startsWith("ObjectRemoved:")) {
            return;
        }
        try {
            index(r.key());
        } catch (RuntimeException e) {
            warnings.accept(r.key() + ": " + dev.relay.eventing.input.ErrorText.of(e));
        }
    }

    /**
     * Indexes the object at {@code key} as it is in the bucket now.
     *
     * @return whether {@code key} is one the index uses
     * @throws IndexException when the database fails
     * @throws dev.relay.runner.store.StoreException when the store fails
     */
    public boolean index(String key) {
        Optional<String> started = Generations.markerRun(key);
        if (started.isPresent()) {
            indexRunStatus(started.get());
            return true;
        }
        Optional<RunLayout.Key> parsed = RunLayout.parse(key);
        if (parsed.isEmpty()) {
            return false;
        }
        RunLayout.Key k = parsed.get();
        switch (k.kind()) {
            case RUN_JSON -> {
                Optional<byte[]> b = store.get(key);
                if (b.isEmpty()) {
                    index.deleteRun(k.runId());
                } else {
                    readDoc(key, b.get(), RunDoc.class).ifPresent(index::putRun);
                }
            }
            case RUN_STATUS -> indexRunStatus(k.runId());
            case ATTEMPT_STATUS -> store.get(key).flatMap(b -> readDoc(key, b, AttemptStatus.class)).ifPresent(s -> {
                index.putAttempt(s);
                if (s.phase() == ExecutionPhase.Failed) {
                    // a failure may come from a cancel written by another process (whose events this
                    // indexer never sees) or end a generation: the run's status is read again
                    indexRunStatus(k.runId());
                }
                if (s.phase() == ExecutionPhase.Succeeded) {
                    indexUiMetadata(k.runId(), k.task(), RunLayout.uiMetadata(k.runId(), k.task()), true);
                    if (V2ArtifactReports.applies(s)) {
                        index.putMetrics(k.runId(), k.task(), key, V2ArtifactReports.metrics(key, s));
                        index.putUiMetadata(k.runId(), k.task(), V2ArtifactReports.visualizations(key, s, sources));
                    }
                }
            });
            case METRICS -> {
                Optional<byte[]> b = store.get(key);
                if (b.isEmpty()) {
                    index.removeMetrics(k.runId(), k.task());
                } else {
                    index.putMetrics(k.runId(), k.task(), key, MetricsParser.parse(key, k.task(), b.get()));
                }
            }
            case UI_METADATA -> indexUiMetadata(k.runId(), k.task(), key, false);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The run's status as its current generation has it: that status, or Running while it has none. */
    private void indexRunStatus(String runId) {
        Optional<RunStatus> status;
        try {
            status = generations.status(runId);
        } catch (dev.relay.runner.store.StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            warnings.accept(e.getMessage()); // a status or marker that does not parse
            return;
        }
        if (status.isPresent()) {
            index.putRunStatus(status.get());
        } else if (store.stat(RunLayout.runJson(runId)).isPresent()) {
            index.reopenRun(runId);
        }
    }

    private void indexUiMetadata(String runId, String task, String key, boolean onlyIfPresent) {
        Optional<byte[]> b = store.get(key);
        if (b.isEmpty()) {
            if (!onlyIfPresent) {
                index.removeUiMetadata(runId, task);
            }
            return;
        }
        index.putUiMetadata(runId, task, UiMetadataParser.parse(key, task, b.get(), sources));
    }

    /** Relay's own documents: one that does not parse is reported and skipped. */
    private <T> Optional<T> readDoc(String key, byte[] b, Class<T> type) {
        try {
            return Optional.of(Json.read(b, type, key));
        } catch (RuntimeException e) {
            warnings.accept(e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * What {@link #rebuild()} did.
     *
     * @param runs    runs indexed from the bucket
     * @param objects objects read
     * @param removed runs dropped from the index because the bucket no longer holds them
     * @param errors  index errors the rebuilt runs hold
     */
    public record RebuildReport(int runs, int objects, int removed, int errors) {}

    /**
     * Rebuilds the index from the bucket, run by run: each run's rows are dropped and its
     * {@code run.json}, attempts' statuses (oldest first), metrics, UI metadata and
     * {@code status.json} indexed again; runs the bucket no longer holds are removed.
     *
     * @throws IndexException when the database fails
     * @throws dev.relay.runner.store.StoreException when the bucket cannot be listed or read
     */
    public RebuildReport rebuild() {
        Map<String, List<RunLayout.Key>> byRun = new LinkedHashMap<>();
        Map<RunLayout.Key, String> keys = new LinkedHashMap<>();
        for (String key : store.list(RunLayout.RUNS, true)) {
            RunLayout.parse(key).ifPresent(k -> {
                if (k.kind() != RunLayout.Kind.OUTPUT && k.kind() != RunLayout.Kind.ATTEMPT_LOG) {
                    byRun.computeIfAbsent(k.runId(), x -> new ArrayList<>()).add(k);
                    keys.put(k, key);
                }
            });
        }
        int objects = 0;
        int errors = 0;
        for (Map.Entry<String, List<RunLayout.Key>> run : byRun.entrySet()) {
            index.deleteRun(run.getKey());
            List<RunLayout.Key> ordered = new ArrayList<>(run.getValue());
            ordered.sort(Comparator.comparingInt((RunLayout.Key k) -> order(k.kind())).thenComparingInt(RunLayout.Key::attempt));
            for (RunLayout.Key k : ordered) {
                index(keys.get(k));
                objects++;
            }
            errors += index.errors(run.getKey()).size();
        }
        Set<String> stale = new LinkedHashSet<>(index.runIds());
        stale.removeAll(byRun.keySet());
        stale.forEach(index::deleteRun);
        return new RebuildReport(byRun.size(), objects, stale.size(), errors);
    }

    /**
     * {@link #rebuild()} when the index's database asks for it ({@link IndexDatabase#rebuildPending()}:
     * a fresh index started in place of a state dir's broken file), then clears the request; the
     * way such an index gets the bucket's runs back without a {@code relay index rebuild}.
     *
     * @return the rebuild's report, or empty when none was pending
     * @throws IndexException when the database fails (the request stays for the next open)
     * @throws dev.relay.runner.store.StoreException when the bucket cannot be listed or read (likewise)
     */
    public Optional<RebuildReport> rebuildIfPending() {
        IndexDatabase db = index.database();
        if (!db.rebuildPending()) {
            return Optional.empty();
        }
        RebuildReport r = rebuild();
        db.rebuildDone();
        return Optional.of(r);
    }

    private static int order(RunLayout.Kind kind) {
        return switch (kind) {
            case RUN_JSON -> 0;
            case ATTEMPT_STATUS -> 1;
            case METRICS -> 2;
            case UI_METADATA -> 3;
            case RUN_STATUS -> 4;
            default -> 5;
        };
    }
}
