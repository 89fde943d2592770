package dev.relay.runner.launch;

import dev.relay.runner.spec.ComponentSpec;
import java.util.Map;

/**
 * One execution (attempt) of a task, with everything needed to run it.
 *
 * @param task        the task's name (DNS-1123 label, as in object keys)
 * @param attempt     1-based
 * @param arguments   input name → argument, for inputs that have one (defaults are the resolver's)
 * @param annotations the task's annotations (e.g. {@code relay.dev/timeout}), may be empty
 */
public record ExecutionRequest(String runId, String task, int attempt, ComponentSpec component,
                               Map<String, ArgumentValue> arguments, Map<String, String> annotations) {
    /** @return {@code <run>/<task>/<attempt>}: unique per execution, the idempotency key of a launch */
    public String executionId() {
        return runId + "/" + task + "/" + attempt;
    }
}
