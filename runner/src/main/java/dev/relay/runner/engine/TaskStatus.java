package dev.relay.runner.engine;

/**
 * What the bucket says of one task: its newest attempt that wrote a {@code status.json}, and that
 * attempt's phase. A task with no status yet (never launched, or its first attempt still running)
 * is {@link #NONE}.
 *
 * @param attempt the newest attempt number with a status (1-based), 0 when none
 * @param phase   that attempt's phase; {@code null} when {@code attempt == 0}
 */
public record TaskStatus(int attempt, ExecutionPhase phase) {
    /** No attempt of the task has finished. */
    public static final TaskStatus NONE = new TaskStatus(0, null);

    /** A finished attempt. */
    public static TaskStatus of(int attempt, ExecutionPhase phase) {
        return new TaskStatus(attempt, phase);
    }

    public boolean succeeded() {
        return phase == ExecutionPhase.Succeeded;
    }

    public boolean failed() {
        return phase == ExecutionPhase.Failed;
    }
}
