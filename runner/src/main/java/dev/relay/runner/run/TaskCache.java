package dev.relay.runner.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.eventing.Sha256;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.executor.ExecutorTask;
import dev.relay.runner.executor.InputArtifact;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.store.ArtifactStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * KFP v2 execution caching ({@code cachingOptions.enableCache}) over the Relay bucket.
 *
 * <p>The cache key is the sha256 of a canonical JSON document of what decides an execution's
 * outputs: the component's interface ({@code components.<key>}) and executor
 * ({@code deploymentSpec.executors.<label>}: image, command, args, env) as written in the IR, the
 * input parameter values (typed, by name) and the input artifacts' content digests (sha256; a
 * directory artifact by its URI). {@code cache/<key>.json} names the attempt that last ran with that
 * key ({@link Entry}); it is written when the attempt is launched and counts only once that
 * attempt's {@code status.json} says Succeeded.
 *
 * <p>A hit is an attempt of its own that runs nothing: its outputs are copied from the source
 * attempt into its own {@code outputs/}, its log too, and its {@code status.json} says Succeeded with
 * {@code "cached": true} and the source ({@code cacheSource}), so the rule "outputs are published
 * by the attempt that succeeded" holds (docs/contracts.md).
 */
final class TaskCache {
    /** Prefix of the cache's entries in the Relay bucket. */
    static final String PREFIX = "cache/";

    /** {@code cache/<key>.json}: the attempt that ran with this key. */
    record Entry(String runId, String task, int attempt, String createdAt) {}

    private final ArtifactStore store;
    private final Clock clock;

    TaskCache(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * @param componentKey the model's component key (IR {@code components.<key>})
     * @param digest       an input artifact's content digest
     * @return the cache key, 64 hex digits
     */
    String key(Pipeline p, String componentKey, ExecutorTask task, Function<InputArtifact, String> digest) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.set("component", p.componentSpec(componentKey));
        doc.set("executor", p.executor(componentKey));
        ObjectNode params = doc.putObject("parameters");
        new TreeMap<>(task.parameters()).forEach(params::set);
        ObjectNode arts = doc.putObject("artifacts");
        new TreeMap<>(task.artifacts()).forEach((name, list) -> {
            ArrayNode a = arts.putArray(name);
            list.forEach(x -> a.add(digest.apply(x)));
        });
        return Sha256.hex(doc.toString());
    }

    /**
     * Serves {@code r} from the cache when {@code cache/<key>.json} names a succeeded attempt of
     * another execution whose outputs are still there.
     *
     * @return true when it was a hit (the attempt's status is written; nothing is to be launched)
     */
    boolean reuse(String key, ExecutionRequest r) {
        String entryKey = PREFIX + key + ".json";
        Optional<Entry> entry = store.get(entryKey).map(b -> Json.read(b, Entry.class, entryKey));
        if (entry.isEmpty()) {
            return false;
        }
        Entry e = entry.get();
        if (e.runId().equals(r.runId()) && e.task().equals(r.task())) {
            return false;
        }
        String statusKey = RunLayout.attemptStatus(e.runId(), e.task(), e.attempt());
        Optional<AttemptStatus> source = store.get(statusKey).map(b -> Json.read(b, AttemptStatus.class, statusKey));
        if (source.isEmpty() || source.get().phase() != ExecutionPhase.Succeeded) {
            return false;
        }
        Map<String, AttemptStatus.OutputRef> outputs = new LinkedHashMap<>();
        String bucketPrefix = "s3://" + store.bucket() + "/";
        for (Map.Entry<String, AttemptStatus.OutputRef> o : source.get().outputs().entrySet()) {
            AttemptStatus.OutputRef ref = o.getValue();
            if (ref.uri() == null) {
                outputs.put(o.getKey(), ref);
                continue;
            }
            if (!ref.uri().startsWith(bucketPrefix)) {
                return false;
            }
            String from = ref.uri().substring(bucketPrefix.length());
            String to = RunLayout.output(r.runId(), r.task(), o.getKey());
            if (!copy(from, to)) {
                return false; // the source's outputs are gone: run it again
            }
            outputs.put(o.getKey(), new AttemptStatus.OutputRef(store.uri(to), ref.size(), ref.sha256(),
                    ref.schemaTitle(), ref.metadata()));
        }
        store.get(RunLayout.attemptLog(e.runId(), e.task(), e.attempt()))
                .ifPresent(b -> store.put(RunLayout.attemptLog(r.runId(), r.task(), r.attempt()), b));
        String now = Times.format(clock.instant());
        AttemptStatus s = new AttemptStatus(r.runId(), r.task(), r.attempt(), ExecutionPhase.Succeeded, null, null, null,
                now, now, outputs, source.get().parameters(), Boolean.TRUE,
                new AttemptStatus.CacheSource(e.runId(), e.task(), e.attempt()));
        store.putIfAbsent(RunLayout.attemptStatus(r.runId(), r.task(), r.attempt()), Json.bytes(s));
        return true;
    }

    /** Names {@code r} as the attempt that runs with {@code key}. */
    void record(String key, ExecutionRequest r) {
        store.put(PREFIX + key + ".json", Json.bytes(new Entry(r.runId(), r.task(), r.attempt(),
                Times.format(clock.instant()))));
    }

    /** Copies an object, or every object of a directory artifact; false when there is none. */
    private boolean copy(String from, String to) {
        Optional<byte[]> b = store.get(from);
        if (b.isPresent()) {
            store.put(to, b.get());
            return true;
        }
        List<String> keys = store.list(from + "/", true);
        if (keys.isEmpty()) {
            return false;
        }
        for (String k : keys) {
            store.get(k).ifPresent(data -> store.put(to + "/" + k.substring(from.length() + 1), data));
        }
        return true;
    }
}
