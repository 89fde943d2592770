package dev.relay.functions;

import dev.relay.eventing.s3.S3Record;
import dev.relay.functions.app.IndexService;
import dev.relay.functions.app.IndexHook;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps the index in every test app: records what the artifact function hands over, then indexes it. */
@ApplicationScoped
@Alternative
@Priority(1)
public class RecordingIndexer implements IndexHook {
    /** Keys indexed, with the event name: {@code "<eventName> <key>"}. */
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Inject IndexService index;

    @Override
    public void onObject(S3Record record) {
        SEEN.add(record.eventName() + " " + record.key());
        index.onObject(record);
    }
}
