package dev.relay.runner.cli;

import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.ObjectIndexer;
import dev.relay.runner.index.RunIndex;
import dev.relay.runner.local.EmbeddedRuntime;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The state dir's index as {@code relay run} feeds it, off the run's critical path: opening the
 * index (H2, and Flyway when its schema is behind: up to a second of start-up) and indexing each
 * object the run writes happen on one thread of their own ({@code relay-index}), in notification
 * order, so neither delays the run's submission nor a launch. Work given to {@link #after} runs on
 * that thread once every object notified before it is indexed: the wait for a run's end uses it,
 * so a finished {@code relay run} has its {@code status.json} indexed, as before. When the index
 * cannot be opened the run goes on unindexed, with the warning on {@code err}. An index started
 * afresh in place of a broken file is rebuilt from the bucket on that thread before the run's first
 * object is indexed ({@link ObjectIndexer#rebuildIfPending}).
 */
final class IndexFeed implements AutoCloseable {
    private final ExecutorService thread;
    private final PrintStream err;
    private IndexDatabase db; // only touched on the thread
    private ObjectIndexer indexer; // only touched on the thread

    /**
     * Starts opening the index of {@code state} on the feed's thread. A state dir without an index
     * file gets it created before this returns, as before the run: the new file takes its disk
     * space up front, so a run that fills the disk meets a full disk in its own writes (the
     * store's), not in the index's creation half-way.
     */
    IndexFeed(Path state, PrintStream err) {
        this.err = err;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "relay-index");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.Future<?> opening = thread.submit(() -> {
            try {
                db = IndexDatabase.openForRun(state); // closes without H2's compaction while the file stays compact
            } catch (IndexException e) {
                err.println("relay: warning: runs are not indexed (relay runs list will not show this one): " + e.getMessage());
            }
        });
        if (!java.nio.file.Files.exists(state.resolve("index.mv.db"))) { // the H2 file of IndexDatabase.h2
            try {
                opening.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                err.println("relay: warning: runs are not indexed: " + e.getCause());
            }
        }
    }

    /**
     * Indexes every object {@code rt} notifies from now on. Register it before other observers
     * whose work goes through {@link #after}, so the index sees an object first.
     */
    void attach(EmbeddedRuntime rt) {
        rt.addObserver(rec -> submit(() -> index(rt, rec)));
    }

    private void index(EmbeddedRuntime rt, S3Record rec) {
        if (db == null) {
            return;
        }
        if (indexer == null) {
            indexer = new ObjectIndexer(rt.store(), new RunIndex(db), w -> err.println("relay: index: " + w));
            try {
                indexer.rebuildIfPending().ifPresent(r -> err.println("relay: rebuilt the new index from the bucket: "
                        + r.runs() + " run" + (r.runs() == 1 ? "" : "s")));
            } catch (RuntimeException e) {
                err.println("relay: warning: the new index could not be rebuilt from the bucket (the next open tries again): "
                        + e.getMessage());
            }
        }
        indexer.onObject(rec);
    }

    /** Runs {@code work} once the objects notified so far are indexed (at once after {@link #close}). */
    void after(Runnable work) {
        submit(work);
    }

    private void submit(Runnable work) {
        try {
            thread.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    err.println("relay: index: " + e.getMessage());
                }
            });
        } catch (RejectedExecutionException closed) {
            work.run();
        }
    }

    /** Indexes what was notified before, then closes the index (waits up to a minute). */
    @Override
    public void close() {
        thread.execute(() -> {
            if (db != null) {
                db.close();
            }
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
                err.println("relay: warning: the index was still busy after a minute; some objects of this run may be missing from it (relay index rebuild)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
