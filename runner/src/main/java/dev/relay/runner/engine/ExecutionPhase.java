package dev.relay.runner.engine;

/** Phase of one execution (attempt) of a task, as written in {@code attempts/<n>/status.json} (docs/contracts.md). */
public enum ExecutionPhase {
    Running, Succeeded, Failed
}
