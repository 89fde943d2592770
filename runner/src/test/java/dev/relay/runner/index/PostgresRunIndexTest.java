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

    /**
     * Units of work borrow pooled connections: consecutive ones, with index writes between them,
     * run on at most {@link IndexDatabase#PG_MAX_CONNECTIONS} server backends (one new backend
     * each before the pool); closing the database ends its backends.
     */
    @Test
    void consecutiveUnitsOfWorkReuseAtMostThePoolsConnections() throws Exception {
        java.util.Set<Integer> pids = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            run("r" + i, "p", "2026-01-01T00:00:00.000Z");
            try (Connection c = db.connection(); Statement st = c.createStatement();
                    java.sql.ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                rs.next();
                pids.add(rs.getInt(1));
            }
        }
        assertEquals(20, index.runIds().size());
        assertTrue(pids.size() <= IndexDatabase.PG_MAX_CONNECTIONS, "backends used by 20 units of work: " + pids);
        assertTrue(backends(name) >= 1, "the pool keeps its idle connection");
        db.close();
        for (int i = 0; i < 100 && backends(name) > 0; i++) {
            Thread.sleep(100); // a backend leaves pg_stat_activity once it has seen its connection close
        }
        assertEquals(0, backends(name), "closing the database closes the pool's connections");
        db = openFresh(); // for the suite's close
    }

    /**
     * A pooled connection the server ended (a restart, an idle-connection reaper) is replaced: the
     * next write and query succeed on a new one instead of failing on the dead one.
     */
    @Test
    void aPooledConnectionTheServerEndedIsReplaced() throws Exception {
        run("r1", "p", "2026-01-01T00:00:00.000Z");
        try (Connection c = pg.getPostgresDatabase().getConnection();
                java.sql.PreparedStatement st = c.prepareStatement(
                        "select pg_terminate_backend(pid) from pg_stat_activity where datname = ?")) {
            st.setString(1, name);
            st.executeQuery().close();
        }
        for (int i = 0; i < 100 && backends(name) > 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(0, backends(name), "the pool's connections were ended");
        index.reopenRun("r1");
        run("r2", "p", "2026-01-01T00:00:00.000Z");
        assertEquals(java.util.List.of("r1", "r2"), index.runIds());
    }

    /** The backends connected to {@code database} now, as the server lists them. */
    private static int backends(String database) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                java.sql.PreparedStatement st = c.prepareStatement("select count(*) from pg_stat_activity where datname = ?")) {
            st.setString(1, database);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A database that refuses us fails the open at once with its own reason, as before the pool. */
    @Test
    void anOpenTheDatabaseRefusesFailsWithItsReason() {
        IndexException missing = assertThrows(IndexException.class,
                () -> IndexDatabase.connect(pg.getJdbcUrl("postgres", "no_such_db"), "postgres", "postgres"));
        assertTrue(missing.getMessage().startsWith("cannot open the index database jdbc:postgresql:"), missing.getMessage());
        assertTrue(missing.getMessage().contains("database \"no_such_db\" does not exist"), missing.getMessage());
        IndexException user = assertThrows(IndexException.class,
                () -> IndexDatabase.connect(pg.getJdbcUrl("postgres", name), "nobody", "secret"));
        assertTrue(user.getMessage().contains("role \"nobody\" does not exist"), user.getMessage());
        IndexException closed = assertThrows(IndexException.class,
                () -> IndexDatabase.connect("jdbc:postgresql://127.0.0.1:1/relay?connectTimeout=5", "postgres", "postgres"));
        assertTrue(closed.getMessage().contains("Connection to 127.0.0.1:1 refused"), closed.getMessage());
    }
}
