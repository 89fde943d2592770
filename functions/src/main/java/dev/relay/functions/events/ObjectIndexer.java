package dev.relay.functions.events;

import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.run.RunLayout;

/**
 * Hands metrics and UI-metadata objects to the index (the SQL index is a colleague's; until it
 * is a bean, {@link NoopObjectIndexer} answers). Called by the {@code artifact} function after the
 * object was seen new; must be idempotent (a record may come again) and never block a run.
 */
public interface ObjectIndexer {
    /**
     * @param record the notification record (decoded key)
     * @param key    what the key is: {@link RunLayout.Kind#METRICS} or {@link RunLayout.Kind#UI_METADATA}
     */
    void index(S3Record record, RunLayout.Key key);
}
