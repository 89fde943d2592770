package dev.relay.runner.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/<run>/run.json}: writing it starts the run (docs/contracts.md "run.json").
 *
 * @param spec         the pipeline as given: a KFP v1 graph component with every componentRef
 *                     inlined, or a KFP v2 PipelineSpec (IR) as written; the engine's model is derived
 *                     from it, never stored
 * @param parameters   pipeline input name → value as given: text, taken literally, or for a name in
 *                     {@code references} the {@code s3://bucket/key} URI of an existing object
 * @param format       {@code kfp-v1-graph} or {@code kfp-v2-ir} ({@code PipelineModel.FORMAT_*});
 *                     absent in runs written before formats: KFP v1 graph
 * @param cache        false: no task of this run reads or fills the cache ({@code relay run --no-cache});
 *                     absent: each task's {@code cachingOptions.enableCache} decides
 * @param pipelineRoot the IR's {@code defaultPipelineRoot}, recorded (Relay writes only to its bucket), or absent
 * @param warnings     what the run was started despite, for people (e.g. a pipeline root outside the
 *                     Relay bucket, which is not written to); absent when none
 * @param references   the parameters that are artifact references (CONTRACTS.md "Run request"), written
 *                     by every run (possibly {@code []}); absent in runs written before references, whose
 *                     values starting with {@code s3://} were references ({@link #isReference})
 */
public record RunDoc(String runId, PipelineRef pipeline, JsonNode spec, Map<String, String> parameters,
                     Cause cause, String createdAt,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String format,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Boolean cache,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String pipelineRoot,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings,
                     @JsonInclude(JsonInclude.Include.NON_NULL) List<String> references) {

    /**
     * @return whether parameter {@code name} is an artifact reference: named in {@code references},
     *     or, in a run written before references, a value starting with {@code s3://}
     */
    public boolean isReference(String name) {
        if (references != null) {
            return references.contains(name);
        }
        String v = parameters == null ? null : parameters.get(name);
        return v != null && v.startsWith("s3://");
    }

    /** A KFP v1 graph run as written before formats (no format, cache or pipeline root recorded). */
    public RunDoc(String runId, PipelineRef pipeline, JsonNode spec, Map<String, String> parameters,
                  Cause cause, String createdAt) {
        this(runId, pipeline, spec, parameters, cause, createdAt, null, null, null, null, null);
    }

    /** A run without warnings and without a references list (as written before references). */
    public RunDoc(String runId, PipelineRef pipeline, JsonNode spec, Map<String, String> parameters,
                  Cause cause, String createdAt, String format, Boolean cache, String pipelineRoot) {
        this(runId, pipeline, spec, parameters, cause, createdAt, format, cache, pipelineRoot, null, null);
    }

    /** @return whether tasks of this run may use the cache (the per-run switch) */
    public boolean cacheEnabled() {
        return cache == null || cache;
    }

    /** Which pipeline the run came from; {@code source} is a file path or a registry name. */
    public record PipelineRef(String name, String version, String source) {}

    /**
     * Why the run started.
     *
     * @param kind    {@code cli}, {@code http}, {@code upload-trigger}, {@code event-trigger} or {@code schedule}
     * @param trigger the trigger's name, or null
     * @param event   {@code {"id","source","type"}} of the CloudEvent, or null
     * @param object  {@code {"bucket","key","eTag","versionId"}} of the uploaded object (the first of a
     *                debounce window), or null
     * @param objects how many objects a debounced upload trigger's window held, else null
     */
    public record Cause(String kind, String trigger, Map<String, String> event, Map<String, String> object,
                        Integer objects) {
        /** A cause without a debounce count. */
        public Cause(String kind, String trigger, Map<String, String> event, Map<String, String> object) {
            this(kind, trigger, event, object, null);
        }

        public static Cause cli() {
            return new Cause("cli", null, null, null);
        }

        /**
         * One line for people, e.g. {@code upload-trigger new-dataset: s3://mlpipeline/datasets/a.csv}
         * or {@code event-trigger retrain: event com.example.drift id 42 from /monitor}.
         */
        public String describe() {
            StringBuilder sb = new StringBuilder(kind);
            if (trigger != null) {
                sb.append(' ').append(trigger);
            }
            if (object != null) {
                sb.append(": s3://").append(object.get("bucket")).append('/').append(object.get("key"));
                if (objects != null && objects > 1) {
                    sb.append(" and ").append(objects - 1).append(" more");
                }
            } else if (event != null) {
                sb.append(": event ").append(event.get("type")).append(" id ").append(event.get("id"))
                        .append(" from ").append(event.get("source"));
            }
            return sb.toString();
        }
    }
}
