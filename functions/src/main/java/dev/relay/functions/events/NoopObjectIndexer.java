package dev.relay.functions.events;

import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.run.RunLayout;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** The index hook until an index exists: does nothing. */
@ApplicationScoped
@DefaultBean
public class NoopObjectIndexer implements ObjectIndexer {
    @Override
    public void index(S3Record record, RunLayout.Key key) {
        // no index in this build
    }
}
