package dev.relay.functions.app;

import dev.relay.eventing.s3.S3Record;

/**
 * Where the {@code artifact} function hands every new object of the Relay bucket for the SQL
 * index ({@code run.json}, {@code status.json}, metrics, UI metadata); the bean is
 * {@link dev.relay.functions.app.IndexService}. Named apart from the runner's
 * {@link dev.relay.runner.index.ObjectIndexer}, which does the work. Must be idempotent and must
 * not throw for a failure of the index: a run never waits on it.
 */
public interface IndexHook {
    /** @param record the notification record (decoded key) */
    void onObject(S3Record record);
}
