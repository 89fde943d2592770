package dev.relay.runner.engine;

/**
 * Phase of a run or a task (docs/contracts.md). A task is Skipped when an upstream task failed; a run
 * (and its unfinished tasks) is Canceled when a user ended it ({@code RunCancel}).
 */
public enum Phase {
    Pending, Running, Succeeded, Failed, Skipped, Canceled;

    /** @return true for Succeeded, Failed, Skipped and Canceled */
    public boolean terminal() {
        return this == Succeeded || this == Failed || this == Skipped || this == Canceled;
    }
}
