package dev.relay.functions;

import dev.relay.eventing.s3.S3Record;
import dev.relay.functions.events.ObjectIndexer;
import dev.relay.runner.run.RunLayout;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the index in every test app: records what the artifact function hands over. */
@ApplicationScoped
@Alternative
@Priority(1)
public class RecordingIndexer implements ObjectIndexer {
    /** Keys indexed, with the event name: {@code "<eventName> <key>"}. */
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Override
    public void index(S3Record record, RunLayout.Key key) {
        SEEN.add(record.eventName() + " " + record.key());
    }
}
