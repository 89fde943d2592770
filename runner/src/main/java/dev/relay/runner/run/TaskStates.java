package dev.relay.runner.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.TaskStatusDoc;
import dev.relay.runner.engine.ArtifactRef;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.NodeState;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.engine.cel.JsonText;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.store.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the bucket says of a run's task paths, as {@link dev.relay.runner.engine.PipelineEngine}
 * reads it ({@link NodeState}): the newest {@code tasks/<path>/attempts/<n>/status.json} (attempt
 * n+1 exists only after n failed, so they are read 1, 2, … until one is absent or succeeded), else
 * the {@code tasks/<path>/status.json} the controller wrote for a task without attempts. Statuses
 * never change once written, so each one read is kept (bounded); an absence is never kept. Used by
 * the controller and by {@link RunView}. Thread-safe.
 */
final class TaskStates {
    private final ArtifactStore store;
    private final Map<String, AttemptStatus> attempts;
    private final Map<String, NodeState> finished;

    /** @param capacity how many statuses each cache keeps */
    TaskStates(ArtifactStore store, int capacity) {
        this.store = store;
        this.attempts = Collections.synchronizedMap(new Lru<>(capacity));
        this.finished = Collections.synchronizedMap(new Lru<>(capacity));
    }

    private volatile java.util.Set<String> knownKeys;

    /**
     * Tells the reader every object key of the run that exists (one listing): a status not among
     * them is absent without a GET. For a one-off reader of a run's state ({@link RunView}).
     */
    void knownKeys(java.util.Set<String> keys) {
        this.knownKeys = keys;
    }

    private Optional<byte[]> get(String key) {
        java.util.Set<String> k = knownKeys;
        return k != null && !k.contains(key) ? Optional.empty() : store.get(key);
    }

    /** @return the state of {@code path} in {@code runId}; {@link NodeState#NONE} when nothing is written */
    NodeState lookup(String runId, String path) {
        return lookup(runId, path, null, false);
    }

    /** Outputs up to this size are read as values for {@code values} lookups (Argo's parameters). */
    static final long VALUE_LIMIT = 256 * 1024;

    /**
     * As {@link #lookup(String, String)}, in generation {@code g} of the run (null: the first):
     * attempts before the generation's first attempt of the task are history ({@link Generations}),
     * and the attempt the engine sees is counted from it. With {@code values} (a KFP 1.x package's
     * run), a succeeded KFP v1 attempt's outputs of up to {@link #VALUE_LIMIT} bytes are also
     * parameters {@code relay--value--<output>} holding their UTF-8 content trimmed of surrounding
     * whitespace, as Argo reads an output parameter from its file ({@code when}, {@code withParam}, values).
     */
    NodeState lookup(String runId, String path, Generations.Generation g, boolean values) {
        int first = g == null ? 1 : g.firstAttempt(path);
        String fk = runId + "\n" + (g == null ? 1 : g.generation()) + "\n" + path + (values ? "\nvalues" : "");
        NodeState known = finished.get(fk);
        if (known != null) {
            return known;
        }
        Optional<AttemptStatus> newest = newest(runId, path, first);
        if (newest.isPresent()) {
            NodeState s = of(path, newest.get());
            if (values && s.phase() == Phase.Succeeded && newest.get().parameters() == null) {
                s = withValues(s, newest.get());
            }
            if (first > 1) {
                s = new NodeState(s.attempt() - first + 1, s.phase(), s.parameters(), s.artifacts(), s.message());
            }
            if (s.phase() == Phase.Succeeded) {
                finished.put(fk, s);
            }
            return s;
        }
        String key = RunLayout.taskStatus(runId, path);
        Optional<byte[]> b = get(key);
        if (b.isEmpty()) {
            return NodeState.NONE;
        }
        NodeState s = of(Json.read(b.get(), TaskStatusDoc.class, key));
        finished.put(fk, s);
        return s;
    }

    private NodeState withValues(NodeState s, AttemptStatus a) {
        Map<String, Object> params = new LinkedHashMap<>(s.parameters());
        String prefix = "s3://" + store.bucket() + "/";
        for (Map.Entry<String, AttemptStatus.OutputRef> e : a.outputs() == null ? Map.<String, AttemptStatus.OutputRef>of().entrySet()
                : a.outputs().entrySet()) {
            AttemptStatus.OutputRef o = e.getValue();
            if (o == null || o.uri() == null || !o.uri().startsWith(prefix) || o.size() > VALUE_LIMIT) {
                continue;
            }
            Optional<byte[]> b = store.get(o.uri().substring(prefix.length()));
            if (b.isEmpty()) {
                continue;
            }
            try {
                String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(b.get())).toString();
                params.put(dev.relay.runner.argo.ArgoModelTranslator.VALUE + e.getKey(), text.strip());
            } catch (java.nio.charset.CharacterCodingException notText) {
                // a binary output is no value
            }
        }
        return new NodeState(s.attempt(), s.phase(), params, s.artifacts(), s.message());
    }

    /** @return the caches' sizes ({@code statuses}, {@code finished}) */
    Map<String, Integer> sizes() {
        return Map.of("statuses", attempts.size(), "finished", finished.size());
    }

    /** Remembers a task status the controller has just written (it is read back as written). */
    void remember(String runId, String path, NodeState s) {
        remember(runId, path, null, s);
    }

    /** {@link #remember(String, String, NodeState)} in generation {@code g} (null: the first). */
    void remember(String runId, String path, Generations.Generation g, NodeState s) {
        String k = runId + "\n" + (g == null ? 1 : g.generation()) + "\n" + path;
        finished.put(k, s);
        finished.put(k + "\nvalues", s);
    }

    /** @return the newest attempt status of {@code path}, or empty when no attempt wrote one */
    Optional<AttemptStatus> newest(String runId, String path) {
        return newest(runId, path, 1);
    }

    /** @return the newest attempt status of {@code path} from attempt {@code first} on, or empty */
    Optional<AttemptStatus> newest(String runId, String path, int first) {
        AttemptStatus newest = null;
        for (int n = first; ; n++) {
            Optional<AttemptStatus> s = attempt(runId, path, n);
            if (s.isEmpty()) {
                break;
            }
            newest = s.get();
            if (newest.phase() == ExecutionPhase.Succeeded) {
                break;
            }
        }
        return Optional.ofNullable(newest);
    }

    /** @return attempt {@code n}'s status, or empty */
    Optional<AttemptStatus> attempt(String runId, String path, int n) {
        String key = RunLayout.attemptStatus(runId, path, n);
        AttemptStatus s = attempts.get(key);
        if (s != null) {
            return Optional.of(s);
        }
        Optional<AttemptStatus> read = get(key).map(b -> Json.read(b, AttemptStatus.class, key));
        read.ifPresent(v -> attempts.put(key, v));
        return read;
    }

    /** @return a task status document as the engine reads it */
    static NodeState of(TaskStatusDoc d) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (d.parameters() != null) {
            d.parameters().forEach((k, v) -> params.put(k, toJava(v)));
        }
        return new NodeState(0, d.phase(), params, d.artifacts(), d.message());
    }

    /** @return an attempt's status as the engine reads it: outputs as artifacts of {@code path}, v2 parameters */
    static NodeState of(String path, AttemptStatus s) {
        if (s.phase() != ExecutionPhase.Succeeded) {
            String m = s.message() == null ? null : (s.reason() == null ? "" : s.reason() + ": ") + s.message();
            return new NodeState(s.attempt(), Phase.Failed, Map.of(), Map.of(), m);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        if (s.parameters() != null) {
            s.parameters().forEach((k, v) -> params.put(k, toJava(v)));
        }
        Map<String, List<ArtifactRef>> arts = new LinkedHashMap<>();
        if (s.outputs() != null) {
            s.outputs().keySet().forEach(name -> arts.put(name, List.of(new ArtifactRef(path, name))));
        }
        return new NodeState(s.attempt(), Phase.Succeeded, params, arts, null);
    }

    /** A JSON value as the engine's plain Java value ({@link JsonText}). */
    static Object toJava(JsonNode n) {
        return n == null ? null : JsonText.parse(n.toString());
    }

    /** An engine value as JSON. */
    static JsonNode toJson(Object v) {
        try {
            return Json.MAPPER.readTree(JsonText.write(v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small LRU map. */
    static final class Lru<K, V> extends LinkedHashMap<K, V> {
        private final int max;

        Lru(int max) {
            super(16, 0.75f, true);
            this.max = max;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > max;
        }
    }
}
