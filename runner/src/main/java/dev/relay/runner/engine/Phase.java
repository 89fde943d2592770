package dev.relay.runner.engine;

/** Phase of a run or a task (CONTRACTS.md). A task is Skipped when an upstream task failed. */
public enum Phase {
    Pending, Running, Succeeded, Failed, Skipped;

    /** @return true for Succeeded, Failed and Skipped */
    public boolean terminal() {
        return this == Succeeded || this == Failed || this == Skipped;
    }
}
