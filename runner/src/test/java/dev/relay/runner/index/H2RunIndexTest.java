package dev.relay.runner.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.StateSecrets;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index suite on the embedded default: an H2 file with AUTO_SERVER. */
class H2RunIndexTest extends AbstractRunIndexTest {
    @TempDir Path state;

    @Override
    IndexDatabase openFresh() {
        return IndexDatabase.h2(state);
    }

    /**
     * Writes to a run already indexed do not look its row up first (one statement fewer each than
     * before, counted by H2's query statistics): an attempt whose task row is there, the run's status,
     * a reopen, metrics. Only the UI metadata write still checks that the run's row exists.
     */
    @Test
    void writesToAnIndexedRunDoNotLookUpItsRowFirst() throws Exception {
        run("r1", "seed", "2026-01-01T00:00:00.000Z");
        attempt("r1", "gen", 1, ExecutionPhase.Running);
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("SET QUERY_STATISTICS TRUE");
        }
        index.putAttempt(new dev.relay.runner.contract.AttemptStatus("r1", "gen", 1, ExecutionPhase.Succeeded, 0, null, null,
                "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z", Map.of()));
        index.putRunStatus(new dev.relay.runner.contract.RunStatus("r1", Phase.Succeeded, null, "2026-01-01T00:00:02.000Z",
                Map.of("gen", Phase.Succeeded)));
        index.reopenRun("r1");
        index.putMetrics("r1", "gen", "k", new MetricsParser.Result(List.of(), List.of()));
        Map<String, Integer> counts = new java.util.TreeMap<>();
        try (Connection c = db.connection(); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
            while (rs.next()) {
                String sql = rs.getString(1);
                if (!sql.equals("COMMIT") && !sql.equals("ROLLBACK") && !sql.startsWith("SET ") && !sql.contains("QUERY_STATISTICS")) {
                    counts.put(sql, rs.getInt(2));
                }
            }
        }
        assertFalse(counts.containsKey("SELECT 1 FROM relay_runs WHERE run_id = ?"), counts.toString());
        // attempt 1, status 2 (the run, its one task), reopen 1, metrics 5 (lock the run, three deletes, the limit's read);
        // 13 before, each of the four with a look-up of the run first
        assertEquals(9, counts.values().stream().mapToInt(Integer::intValue).sum(), counts.toString());
        assertEquals("Running", index.run("r1").orElseThrow().phase());
        try (Connection c = db.connection(); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT task, phase, attempts FROM relay_tasks WHERE run_id = 'r1'")) {
            assertTrue(rs.next());
            assertEquals(List.of("gen", "Succeeded", 1), List.of(rs.getString(1), rs.getString(2), rs.getInt(3)));
            assertFalse(rs.next());
        }
    }

    /**
     * A fresh state dir's first open writes no {@code index.trace.db}: the up-to-date probe asks the
     * metadata whether Flyway's history table exists instead of selecting from a missing table (an
     * exception H2 traced to that file); the probe still finds the table once it is there.
     */
    @Test
    void aFreshIndexLeavesNoTraceFileAndTheProbeFindsTheHistoryOnceMigrated() throws Exception {
        assertTrue(db.migrationsApplied());
        assertFalse(Files.exists(state.resolve("index.trace.db")), "H2 traced an exception at the first open");
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + state.toAbsolutePath().normalize().resolve("index") + ";AUTO_SERVER=TRUE");
        ds.setUser("relay");
        ds.setPassword(StateSecrets.of(state).indexPassword());
        assertTrue(IndexDatabase.upToDate(ds), "a migrated index is up to date: the next open skips Flyway");
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

    /**
     * What a process killed during the first open's migration leaves, built directly: the schema's
     * tables on disk but Flyway's history without its row ({@code historyUpdate} empties it), or
     * with the script recorded as failed. Before, every later open failed ("Table RELAY_RUNS already
     * exists", "Detected failed migration") and the index stayed unavailable for good.
     */
    private void brokenMigrationIsMovedAsideAndTheIndexRebuilt(String historyUpdate) throws Exception {
        run("r1", "seed", "2026-01-01T00:00:00.000Z");
        attempt("r1", "gen", 1, ExecutionPhase.Succeeded);
        finish("r1", Phase.Succeeded, Map.of("gen", Phase.Succeeded));
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute(historyUpdate);
            st.execute("CHECKPOINT SYNC");
        }
        db.close();

        db = IndexDatabase.h2(state); // failed before: the migration cannot run on these tables
        index = new RunIndex(db);
        indexer = new ObjectIndexer(store, index, warnings::add);
        List<Path> aside;
        try (Stream<Path> files = Files.list(state)) {
            aside = files.filter(f -> f.getFileName().toString().startsWith("index.mv.db.migration-failed-")).toList();
        }
        assertEquals(1, aside.size(), "the broken file is kept aside");
        assertTrue(Files.size(aside.get(0)) > 0);
        assertTrue(db.migrationsApplied(), "a fresh, migrated index in its place");
        assertTrue(db.rebuildPending());
        assertEquals(List.of(), index.listRuns(null, 10), "fresh: empty until rebuilt");

        ObjectIndexer.RebuildReport r = indexer.rebuildIfPending().orElseThrow();
        assertEquals(1, r.runs());
        assertEquals(List.of("r1"), index.listRuns(null, 10).stream().map(RunSummary::runId).toList());
        assertEquals("Succeeded", index.run("r1").orElseThrow().phase());
        assertFalse(db.rebuildPending(), "rebuilt once");
        assertTrue(indexer.rebuildIfPending().isEmpty());

        db.close();
        db = IndexDatabase.h2(state); // and the new index opens as any other
        index = new RunIndex(db);
        indexer = new ObjectIndexer(store, index, warnings::add);
        assertFalse(db.rebuildPending());
        assertEquals(1, index.listRuns(null, 10).size());
        try (Stream<Path> files = Files.list(state)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("index.mv.db.migration-failed-")).count());
        }
    }

    @Test
    void anIndexWhoseMigrationLostItsHistoryRowIsMovedAsideAndRebuilt() throws Exception {
        brokenMigrationIsMovedAsideAndTheIndexRebuilt("delete from \"relay_index_schema_history\"");
    }

    @Test
    void anIndexWithAFailedMigrationRowIsMovedAsideAndRebuilt() throws Exception {
        brokenMigrationIsMovedAsideAndTheIndexRebuilt("update \"relay_index_schema_history\" set \"success\" = false");
    }

    @Test
    void aBrokenDatabaseGivenByUrlStillFailsAndIsLeftAlone() throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("delete from \"relay_index_schema_history\"");
            st.execute("CHECKPOINT SYNC");
        }
        db.close();
        String url = "jdbc:h2:file:" + state.toAbsolutePath().resolve("index");
        IndexException e = assertThrows(IndexException.class,
                () -> IndexDatabase.connect(url, "relay", StateSecrets.of(state).indexPassword()));
        assertTrue(e.getMessage().contains("cannot migrate"), e.getMessage());
        try (Stream<Path> files = Files.list(state)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("index.mv.db.")).toList());
        }
        assertTrue(Files.exists(state.resolve("index.mv.db")));
        db = IndexDatabase.h2(state); // for the suite's close
    }
}
