package dev.relay.runner.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The index suite on PostgreSQL (the cluster profile): one embedded PostgreSQL 14 for the class
 * (zonky, no Docker), a new database per test, migrated by Flyway as in production.
 */
class PostgresRunIndexTest extends AbstractRunIndexTest {
    static EmbeddedPostgres pg;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    /** The current test's database. */
    private String name;

    @Override
    IndexDatabase openFresh() throws Exception {
        name = "relay_test_" + N.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return IndexDatabase.connect(pg.getJdbcUrl("postgres", name), "postgres", "postgres");
    }

    /**
     * A shared database is not ours to discard: a migration that cannot run (the tables there, the
     * history without its row) fails the open, and the rows stay; only the embedded H2 file is
     * moved aside and started afresh ({@link H2RunIndexTest}).
     */
    @Test
    void aBrokenMigrationFailsTheOpenAndKeepsTheData() throws Exception {
        run("r1", "seed", "2026-01-01T00:00:00.000Z");
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("delete from relay_index_schema_history");
        }
        db.close();
        String broken = name;
        IndexException e = assertThrows(IndexException.class,
                () -> IndexDatabase.connect(pg.getJdbcUrl("postgres", broken), "postgres", "postgres"));
        assertTrue(e.getMessage().contains("cannot migrate"), e.getMessage());
        try (Connection c = pg.getDatabase("postgres", broken).getConnection(); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("select count(*) from relay_runs")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "the rows are still there");
        }
        db = openFresh(); // for the suite's close
    }
}
