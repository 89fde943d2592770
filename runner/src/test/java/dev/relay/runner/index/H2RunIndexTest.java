package dev.relay.runner.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.engine.ExecutionPhase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index suite on the embedded default: an H2 file with AUTO_SERVER. */
class H2RunIndexTest extends AbstractRunIndexTest {
    @TempDir Path state;

    @Override
    IndexDatabase openFresh() {
        return IndexDatabase.h2(state);
    }

    @Test
    void reopeningAnUpToDateIndexKeepsItsRunsAndStillIndexes() throws Exception {
        run("r1", "seed", "2026-01-01T00:00:00.000Z");
        db.close();
        db = IndexDatabase.h2(state); // up to date: opens without Flyway
        assertTrue(db.migrationsApplied());
        index = new RunIndex(db);
        indexer = new ObjectIndexer(store, index, warnings::add);
        attempt("r1", "gen", 1, ExecutionPhase.Succeeded);
        assertEquals(1, index.listRuns(null, 10).size());
    }
}
