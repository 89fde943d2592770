package dev.relay.runner.launch;

import dev.relay.runner.executor.ExecutorTask;
import dev.relay.runner.spec.ComponentSpec;
import java.time.Duration;
import java.util.Map;

/**
 * One execution (attempt) of a task, with everything needed to run it: a KFP v1 component with its
 * arguments, or a KFP v2 executor task ({@link #v2()}).
 *
 * @param task        the task's path from the root DAG ({@code for-loop-2/0/print-op}; a top-level
 *                    task's path is its DNS-1123 label), as in object keys
 * @param attempt     1-based
 * @param component   the v1 component, or null for a v2 execution
 * @param arguments   input name → argument, for inputs that have one (defaults are the resolver's); empty for v2
 * @param annotations the task's annotations (e.g. {@code relay.dev/timeout}), may be empty
 * @param v2          the KFP v2 executor task (executor, inputs, identity), or null for v1
 * @param backoff     how long to wait before the attempt's command starts (retry backoff), never null
 */
public record ExecutionRequest(String runId, String task, int attempt, ComponentSpec component,
                               Map<String, ArgumentValue> arguments, Map<String, String> annotations,
                               ExecutorTask v2, Duration backoff) {
    /** Normalizes a null backoff to zero. */
    public ExecutionRequest {
        backoff = backoff == null || backoff.isNegative() ? Duration.ZERO : backoff;
        arguments = arguments == null ? Map.of() : arguments;
        annotations = annotations == null ? Map.of() : annotations;
    }

    /** A KFP v1 execution without backoff. */
    public ExecutionRequest(String runId, String task, int attempt, ComponentSpec component,
                            Map<String, ArgumentValue> arguments, Map<String, String> annotations) {
        this(runId, task, attempt, component, arguments, annotations, null, Duration.ZERO);
    }

    /** @return {@code <run>/<task path>/<attempt>}: unique per execution, the idempotency key of a launch */
    public String executionId() {
        return runId + "/" + task + "/" + attempt;
    }

    /** @return whether this is a KFP v2 execution */
    public boolean isV2() {
        return v2 != null;
    }
}
