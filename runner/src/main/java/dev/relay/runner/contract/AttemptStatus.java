package dev.relay.runner.contract;

import dev.relay.runner.engine.ExecutionPhase;
import java.util.Map;

/**
 * {@code runs/<run>/tasks/<task>/attempts/<n>/status.json}, written last by every execution
 * (CONTRACTS.md). {@code reason} is one of {@code Error}, {@code ExecutableNotFound},
 * {@code InputNotReadable}, {@code OutputMissing}, {@code OOMKilled}, {@code Evicted},
 * {@code DeadlineExceeded}, {@code LaunchFailed} for a failed execution, else null.
 *
 * @param exitCode the process's exit code, or null when it never ran or was killed
 * @param outputs  output name → where it was published (only for a succeeded attempt)
 */
public record AttemptStatus(String runId, String task, int attempt, ExecutionPhase phase, Integer exitCode,
                            String reason, String message, String startedAt, String finishedAt,
                            Map<String, OutputRef> outputs) {

    /** A published output: {@code s3://} URI, size in bytes (total for a directory), sha256 hex (null for a directory). */
    public record OutputRef(String uri, long size, String sha256) {}

    /** Failure reasons of CONTRACTS.md. */
    public static final String ERROR = "Error";
    public static final String EXECUTABLE_NOT_FOUND = "ExecutableNotFound";
    public static final String INPUT_NOT_READABLE = "InputNotReadable";
    public static final String OUTPUT_MISSING = "OutputMissing";
    public static final String LAUNCH_FAILED = "LaunchFailed";
    /** The container exceeded its memory limit (seen by {@code job-status}). */
    public static final String OOM_KILLED = "OOMKilled";
    /** The pod was evicted or preempted (seen by {@code job-status}); retried while attempts remain. */
    public static final String EVICTED = "Evicted";
    /** The Job ran past its {@code activeDeadlineSeconds} (seen by {@code job-status}). */
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
}
