package dev.relay.runner.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.engine.ExecutionPhase;
import java.util.Map;

/**
 * {@code runs/<run>/tasks/<task>/attempts/<n>/status.json}, written last by every execution
 * (docs/contracts.md). {@code reason} is one of {@code Error}, {@code ExecutableNotFound},
 * {@code InputNotReadable}, {@code OutputMissing}, {@code OOMKilled}, {@code Evicted},
 * {@code DeadlineExceeded}, {@code LaunchFailed}, {@code Lost}, {@code StoreUnavailable}, {@code Canceled} for a failed execution, else null.
 *
 * @param exitCode the process's exit code, or null when it never ran or was killed
 * @param outputs    output name → where it was published (only for a succeeded attempt); a KFP v2
 *                   output artifact is listed even when the program wrote no file (then {@code uri} is
 *                   null and {@code size} 0), for its metadata
 * @param parameters KFP v2 output parameters: name → typed JSON value (absent for KFP v1 components)
 * @param cached     true when the attempt ran nothing: a cache hit whose outputs were copied from
 *                   {@code cacheSource}; absent otherwise
 * @param cacheSource the attempt the outputs were copied from, or absent
 */
public record AttemptStatus(String runId, String task, int attempt, ExecutionPhase phase, Integer exitCode,
                            String reason, String message, String startedAt, String finishedAt,
                            Map<String, OutputRef> outputs,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> parameters,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean cached,
                            @JsonInclude(JsonInclude.Include.NON_NULL) CacheSource cacheSource) {

    /** A status of an attempt that ran (not a cache hit). */
    public AttemptStatus(String runId, String task, int attempt, ExecutionPhase phase, Integer exitCode,
                         String reason, String message, String startedAt, String finishedAt,
                         Map<String, OutputRef> outputs, Map<String, JsonNode> parameters) {
        this(runId, task, attempt, phase, exitCode, reason, message, startedAt, finishedAt, outputs, parameters, null, null);
    }

    /**
     * Where a cached attempt's outputs came from: {@code runs/<runId>/tasks/<task>/attempts/<attempt>}.
     */
    public record CacheSource(String runId, String task, int attempt) {}

    /** @return whether this attempt is a cache hit */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isCached() {
        return cached != null && cached;
    }

    /** A KFP v1 status (no output parameters). */
    public AttemptStatus(String runId, String task, int attempt, ExecutionPhase phase, Integer exitCode,
                         String reason, String message, String startedAt, String finishedAt,
                         Map<String, OutputRef> outputs) {
        this(runId, task, attempt, phase, exitCode, reason, message, startedAt, finishedAt, outputs, null);
    }

    /**
     * A published output: {@code s3://} URI, size in bytes (total for a directory), sha256 hex (null
     * for a directory); for a KFP v2 artifact also its type ({@code system.Metrics}) and metadata
     * (both absent for KFP v1 outputs).
     */
    public record OutputRef(String uri, long size, String sha256,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String schemaTitle,
                            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode metadata) {
        /** A KFP v1 output. */
        public OutputRef(String uri, long size, String sha256) {
            this(uri, size, sha256, null, null);
        }
    }

    /** Failure reasons of docs/contracts.md. */
    public static final String ERROR = "Error";
    public static final String EXECUTABLE_NOT_FOUND = "ExecutableNotFound";
    public static final String INPUT_NOT_READABLE = "InputNotReadable";
    public static final String OUTPUT_MISSING = "OutputMissing";
    public static final String LAUNCH_FAILED = "LaunchFailed";
    /** The container exceeded its memory limit (seen by {@code job-status}). */
    public static final String OOM_KILLED = "OOMKilled";
    /** The pod was evicted or preempted (seen by {@code job-status}); retried while attempts remain. */
    public static final String EVICTED = "Evicted";
    /** The attempt ran past its deadline: a Job past its {@code activeDeadlineSeconds} (seen by {@code job-status}), a local process ended at its task's timeout or the run's deadline. */
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    /** The execution's driver died and the execution ended without a status (found by the sweep). */
    public static final String LOST = "Lost";
    /** The store could not take the execution's results after bounded retries. */
    public static final String STORE_UNAVAILABLE = "StoreUnavailable";
    /** A user ended the run ({@code relay runs cancel}, the API's terminate). */
    public static final String CANCELED = "Canceled";
}
