package dev.relay.functions.app;

import dev.relay.eventing.s3.S3Record;

import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.ObjectIndexer;
import dev.relay.runner.index.RunIndex;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The run index as this app wires it: {@link IndexDatabase#open(Path)} (PostgreSQL from
 * {@code RELAY_DB_URL}/{@code RELAY_DB_USER}/{@code RELAY_DB_PASSWORD} when set, else H2 under the
 * state dir), a {@link RunIndex} over it and the runner's {@link ObjectIndexer} fed by the
 * {@code artifact} function. A database that cannot be opened does not stop the app: indexing is
 * skipped with a warning and the index endpoints answer 503 until a later attempt opens it. An
 * index started afresh in place of a broken H2 file is rebuilt from the bucket when it is opened
 * ({@link ObjectIndexer#rebuildIfPending}).
 */
@ApplicationScoped
public class IndexService implements IndexHook {
    private static final Logger LOG = Logger.getLogger(IndexService.class);

    private final Backend backend;
    private final Path stateDir;
    private IndexDatabase db;
    private RunIndex index;
    private ObjectIndexer indexer;
    private boolean closed; // by close(): a late opening (the start-up's, on its own thread) opens nothing

    /** @param backend the store the indexer reads; @param config the state dir */
    @Inject
    public IndexService(Backend backend, RelayConfig config) {
        this.backend = backend;
        this.stateDir = Path.of(config.stateDir());
    }

    /**
     * @return the open index
     * @throws IndexException when the database cannot be opened or migrated
     */
    public synchronized RunIndex index() {
        if (closed) {
            throw new IndexException("the app is stopping: the index is closed", null);
        }
        if (index == null) {
            IndexDatabase opened = IndexDatabase.open(stateDir);
            db = opened;
            index = new RunIndex(opened);
            indexer = new ObjectIndexer(backend.store(), index, w -> LOG.warnf("index: %s", w));
            LOG.infof("relay: index %s", opened.description());
            try {
                indexer.rebuildIfPending().ifPresent(r -> LOG.infof("relay: rebuilt the new index from the bucket: %d runs", r.runs()));
            } catch (RuntimeException e) {
                LOG.warnf("relay: the new index could not be rebuilt from the bucket (the next start tries again): %s",
                        e.getMessage());
            }
        }
        return index;
    }

    /** Indexes one object record; a failure of the index is logged, never thrown. */
    @Override
    public void onObject(S3Record record) {
        ObjectIndexer i;
        try {
            index();
            synchronized (this) {
                i = indexer;
            }
        } catch (RuntimeException e) {
            LOG.warnf("index unavailable, %s not indexed: %s", record.key(), e.getMessage());
            return;
        }
        try {
            i.onObject(record);
        } catch (RuntimeException e) {
            LOG.warnf("index: %s: %s", record.key(), e.getMessage());
        }
    }

    /**
     * Opens the index at start-up on a thread of its own (off the request path and off the
     * start-up: H2, and Flyway when the schema is behind, took ~0.7 s before the first answer); a
     * request or event that needs the index meanwhile waits for it ({@link #index} is
     * synchronized). A failure is only logged.
     */
    void warm(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        Thread t = new Thread(() -> {
            try {
                index();
            } catch (RuntimeException e) {
                LOG.warnf("relay: the index cannot be opened (runs go on unindexed): %s", e.getMessage());
            }
        }, "relay-index-open");
        t.setDaemon(true);
        t.start();
    }

    /** Closes the database. */
    @PreDestroy
    synchronized void close() {
        closed = true;
        if (db != null) {
            db.close();
            db = null;
            index = null;
        }
    }
}
