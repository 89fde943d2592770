package dev.relay.runner.index;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The index's SQL database, migrated by Flyway on open ({@code classpath:db/relay-index}, history
 * table {@code relay_index_schema_history}, so the index can share a database with others) when
 * the history does not yet record every migration script; an up-to-date index opens without
 * starting Flyway.
 *
 * <ul>
 * <li>Embedded default: an H2 file {@code <stateDir>/index.mv.db} opened with
 *     {@code AUTO_SERVER=TRUE}, so {@code relay} commands and {@code relay server} can use it at
 *     once (the first process serves it to the others over a local TCP port).</li>
 * <li>Cluster profile: PostgreSQL from {@code RELAY_DB_URL} ({@code jdbc:postgresql://...}),
 *     {@code RELAY_DB_USER}, {@code RELAY_DB_PASSWORD}.</li>
 * </ul>
 * For H2 one connection stays open while this object is, so the file is not reopened on every
 * call, and units of work borrow their connections from H2's {@link JdbcConnectionPool}: a session
 * kept between units keeps its cache of parsed statements (a fresh session parsed every statement
 * again, ~3 ms of CPU per record early in a {@code relay run}). PostgreSQL connections come from a
 * small HikariCP pool (at most {@value #PG_MAX_CONNECTIONS}, none kept while idle for
 * {@value #PG_IDLE_MILLIS} ms): a new PostgreSQL connection per unit of work (TCP, authentication,
 * a backend's start) cost tens of ms on every object event the functions app indexes.
 */
public final class IndexDatabase implements AutoCloseable {
    static {
        // AUTO_SERVER's TCP server listens on H2's bind address: loopback only (H2's default is
        // every interface); set before H2's classes read it
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    /** Which engine: the SQL the index writes is the same for both. */
    public enum Kind { H2, POSTGRESQL }

    private static final String LOCATION = "db/relay-index";
    private static final String HISTORY = "relay_index_schema_history";

    private final DataSource dataSource;
    private final Kind kind;
    private final String description;
    private final Connection keepAlive;
    /** H2 only: idle sessions kept for the next unit of work; null for PostgreSQL. */
    private final JdbcConnectionPool pool;
    /**
     * H2 sessions the pool keeps at most (more callers wait for one, up to the pool's timeout):
     * well above the threads that use the index at once in {@code relay server}.
     */
    private static final int H2_MAX_CONNECTIONS = 32;
    /**
     * PostgreSQL connections the pool holds at most: units of work are short (one object's rows), and
     * a scaled-out function's every instance holds its own pool against the database's connection limit.
     */
    static final int PG_MAX_CONNECTIONS = 4;
    /** How long a caller waits for a PostgreSQL connection (a busy pool, a database that went away), ms. */
    static final long PG_CONNECTION_TIMEOUT_MILLIS = 10_000;
    /** A pooled PostgreSQL connection unused this long is closed (HikariCP's minimum is 10 s), ms. */
    static final long PG_IDLE_MILLIS = 60_000;

    /** The quick-close H2 file's "compact at the next close" marker ({@link #openForRun}); null otherwise. */
    private final Path quickClose;
    /** The marker to delete once this close compacted (it was present at open); null otherwise. */
    private final Path compacting;
    /**
     * H2 state dir only: {@code <stateDir>/index.rebuild}, present while the index is a fresh one
     * started in place of a file moved aside and the bucket's runs are not back in it yet; null otherwise.
     */
    private final Path rebuildMarker;
    /** The state dir's marker: {@link #rebuildPending()}. */
    static final String REBUILD_MARKER = "index.rebuild";
    private static final System.Logger LOG = System.getLogger(IndexDatabase.class.getName());

    /** Below this file size the quick close never asks for a compaction (a few runs' worth of index). */
    static final long COMPACT_MIN_BYTES = 1L << 20;
    /** Live share of the file's chunks (H2's {@code info.CHUNKS_FILL_RATE}, %) below which the next close compacts. */
    static final int COMPACT_BELOW_FILL = 60;

    private IndexDatabase(DataSource dataSource, Kind kind, String description) {
        this(dataSource, kind, description, null, null, null, null);
    }

    /**
     * @param opened an H2 connection already open on {@code dataSource}, kept as the one held open; or null
     * @param quickClose see {@link #quickClose}
     * @param compacting see {@link #compacting}
     * @param rebuildMarker see {@link #rebuildMarker}
     */
    private IndexDatabase(DataSource dataSource, Kind kind, String description, Connection opened, Path quickClose,
                          Path compacting, Path rebuildMarker) {
        this.quickClose = quickClose;
        this.compacting = compacting;
        this.rebuildMarker = rebuildMarker;
        this.dataSource = dataSource;
        this.kind = kind;
        this.description = description;
        try {
            this.keepAlive = kind != Kind.H2 ? null : opened != null ? opened : dataSource.getConnection();
        } catch (SQLException e) {
            throw new IndexException("cannot open the index database " + description + ": " + e.getMessage(), e);
        }
        if (kind == Kind.H2 && dataSource instanceof JdbcDataSource h2) {
            this.pool = JdbcConnectionPool.create(h2);
            this.pool.setMaxConnections(H2_MAX_CONNECTIONS);
        } else {
            this.pool = null;
        }
        if (upToDate(dataSource)) {
            return; // nothing to migrate: skip Flyway's start-up (a few hundred classes, ~0.3 s of CPU)
        }
        try {
            Flyway.configure(IndexDatabase.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:" + LOCATION)
                    .table(HISTORY)
                    .placeholders(Map.of("text", kind == Kind.H2 ? "CLOB" : "TEXT"))
                    .baselineOnMigrate(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            close();
            throw new MigrationFailed("cannot migrate the index database " + description + ": " + e.getMessage(), e);
        }
        if (kind == Kind.H2) {
            // H2 writes committed rows to the file up to a second later, while a CREATE TABLE is there at
            // once: a process killed in that second left the tables without their history row, and every
            // later open failed ("Table RELAY_RUNS already exists"). The migration is on disk before use.
            try (Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("CHECKPOINT SYNC");
            } catch (SQLException e) {
                close();
                throw new IndexException("cannot write the migrated index database " + description + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Whether the history table already records every migration script on the class path as
     * applied successfully (Flyway's {@code script} and {@code success} columns). False when the
     * table is missing or cannot be read, or a script is missing from it: then Flyway runs (and
     * validates, migrates or reports). Checksums are Flyway's to check when it runs; an edited
     * migration with no new script is not noticed here (migrations are never edited once released).
     */
    static boolean upToDate(DataSource dataSource) {
        java.util.Set<String> scripts = Migrations.SCRIPTS;
        if (scripts.isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            // Asked of the metadata first: a select on a missing table is an exception that H2 also
            // writes to <stateDir>/index.trace.db, which every fresh state dir then had.
            try (java.sql.ResultSet t = c.getMetaData().getTables(null, c.getSchema(), HISTORY, null)) {
                if (!t.next()) {
                    return false; // no history table yet: Flyway creates it
                }
            }
            return appliedAll(c, scripts);
        } catch (SQLException e) {
            return false; // another shape: Flyway decides
        }
    }

    private static boolean appliedAll(Connection c, java.util.Set<String> scripts) throws SQLException {
        try (java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(
                        "select \"script\" from \"" + HISTORY + "\" where \"success\" = true")) {
            java.util.Set<String> applied = new java.util.HashSet<>();
            while (rs.next()) {
                applied.add(rs.getString(1));
            }
            return applied.containsAll(scripts);
        }
    }

    /** Flyway could not migrate or validate the database (the constructor's failure that {@link #h2} recovers from). */
    private static final class MigrationFailed extends IndexException {
        MigrationFailed(String message, FlywayException cause) {
            super(message, cause);
        }
    }

    /** Whether this database's history records every migration script as applied (see the constructor). */
    boolean migrationsApplied() {
        return upToDate(dataSource);
    }

    /** The migration scripts under {@code db/relay-index} on the class path (file names), read once. */
    private static final class Migrations {
        static final java.util.Set<String> SCRIPTS = scan();

        private static java.util.Set<String> scan() {
            java.util.Set<String> out = new java.util.TreeSet<>();
            try {
                java.net.URL url = IndexDatabase.class.getClassLoader().getResource(LOCATION + "/");
                if (url == null) {
                    return out;
                }
                if ("jar".equals(url.getProtocol())) {
                    java.net.JarURLConnection conn = (java.net.JarURLConnection) url.openConnection();
                    conn.setUseCaches(false);
                    try (java.util.jar.JarFile jar = conn.getJarFile()) {
                        jar.stream().map(java.util.jar.JarEntry::getName)
                                .filter(n -> n.startsWith(LOCATION + "/") && n.endsWith(".sql")
                                        && n.indexOf('/', LOCATION.length() + 1) < 0)
                                .forEach(n -> out.add(n.substring(LOCATION.length() + 1)));
                    }
                } else if ("file".equals(url.getProtocol())) {
                    try (java.util.stream.Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                        files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql")).forEach(out::add);
                    }
                } else {
                    return java.util.Set.of(); // unknown class path kind: always let Flyway look
                }
            } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
                return java.util.Set.of();
            }
            return java.util.Collections.unmodifiableSet(out);
        }
    }

    /**
     * PostgreSQL when {@code RELAY_DB_URL} is set, else the H2 file under {@code stateDir}.
     *
     * @throws IndexException when the database cannot be opened or migrated
     */
    public static IndexDatabase open(Path stateDir) {
        dev.relay.runner.contract.RelayEnv env = dev.relay.runner.contract.RelayEnv.current();
        if (env.dbUrl() != null) {
            return connect(env.dbUrl(), env.dbUser(), env.dbPassword());
        }
        return h2(stateDir);
    }

    /**
     * {@link #open(Path)} for one {@code relay run}: the H2 file is closed without H2's close-time
     * compaction (up to 200 ms of rewriting and fsyncs at the end of every run, on the process's
     * way out). The file stays bounded: a close that finds it past {@value #COMPACT_MIN_BYTES}
     * bytes with less than {@value #COMPACT_BELOW_FILL}% of its chunks live leaves a marker
     * ({@code index.compact} beside it), and the next open of the state dir closes with H2's
     * usual compaction and removes the marker. PostgreSQL is opened as by {@link #open(Path)}.
     *
     * @throws IndexException when the database cannot be opened or migrated
     */
    public static IndexDatabase openForRun(Path stateDir) {
        dev.relay.runner.contract.RelayEnv env = dev.relay.runner.contract.RelayEnv.current();
        if (env.dbUrl() != null) {
            return connect(env.dbUrl(), env.dbUser(), env.dbPassword());
        }
        return h2(stateDir, true);
    }

    /**
     * The embedded index: {@code jdbc:h2:file:<stateDir>/index;AUTO_SERVER=TRUE}.
     *
     * @throws IndexException when the file cannot be created, is locked in a way AUTO_SERVER cannot
     *     share, or cannot be migrated
     */
    public static IndexDatabase h2(Path stateDir) {
        return h2(stateDir, false);
    }

    private static IndexDatabase h2(Path stateDir, boolean quick) {
        Path dir = stateDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IndexException("cannot create the state dir " + dir + ": " + e.getMessage(), e);
        }
        String password = dev.relay.runner.contract.StateSecrets.of(dir).indexPassword();
        JdbcDataSource ds = new JdbcDataSource();
        Path marker = dir.resolve("index.compact");
        boolean compact = !quick || Files.exists(marker);
        // MAX_COMPACT_TIME=0: H2 closes the file without compacting it (its default allows 200 ms)
        ds.setURL("jdbc:h2:file:" + dir.resolve("index") + ";AUTO_SERVER=TRUE" + (compact ? "" : ";MAX_COMPACT_TIME=0"));
        ds.setUser("relay");
        ds.setPassword(password);
        Connection opened = migratePassword(ds, dir, password);
        Path file = dir.resolve("index.mv.db");
        Path rebuild = dir.resolve(REBUILD_MARKER);
        try {
            return new IndexDatabase(ds, Kind.H2, file.toString(), opened,
                    quick && !compact ? marker : null, quick && compact ? marker : null, rebuild);
        } catch (MigrationFailed e) {
            // the constructor closed its sessions: unless another process holds the file, it is ours to replace
            if (Files.exists(dir.resolve("index.lock.db"))) {
                throw new IndexException(e.getMessage() + " (another process has the index open; not replacing it)", e);
            }
            Path aside = dir.resolve("index.mv.db.migration-failed-"
                    + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                            .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
            moveAside(dir, aside, "cannot be migrated (" + oneLine(e.getCause().getMessage()) + ")");
        }
        return new IndexDatabase(ds, Kind.H2, file.toString(), null,
                quick && !compact ? marker : null, quick && compact ? marker : null, rebuild);
    }

    /**
     * Moves the state dir's broken {@code index.mv.db} to {@code aside} and leaves the
     * {@value #REBUILD_MARKER} marker, so the new index started in its place is rebuilt from the
     * bucket by its first user that has the bucket ({@link ObjectIndexer#rebuildIfPending}); logs
     * one warning naming both files.
     *
     * @throws IndexException when the file cannot be moved
     */
    private static void moveAside(Path dir, Path aside, String why) {
        Path file = dir.resolve("index.mv.db");
        Path marker = dir.resolve(REBUILD_MARKER);
        try {
            // the marker first: a process killed between the two still has the new index rebuilt
            Files.writeString(marker, "the index was started afresh in place of " + aside.getFileName()
                    + "; the next open that has the bucket rebuilds it from the bucket\n");
            Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException io) {
            try {
                Files.deleteIfExists(marker);
            } catch (java.io.IOException ignored) {
                // a needless rebuild at the next open at worst
            }
            throw new IndexException("the index " + file + " " + why + " and cannot be moved aside: " + io.getMessage(), io);
        }
        LOG.log(System.Logger.Level.WARNING, "the index " + file + " " + why + "; moved it to " + aside
                + " and started a new one (rebuilt from the bucket at its first use)");
    }

    /** Flyway's message (several lines) on one line, at most 300 characters. */
    private static String oneLine(String s) {
        if (s == null) {
            return "no message";
        }
        String t = s.replaceAll("[\\s-]*\\R[\\s-]*", "; ").replaceAll("\\s+", " ").strip();
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }

    /** H2's "wrong user name or password". */
    private static final int H2_WRONG_PASSWORD = 28000;

    /**
     * An index made by an older Relay has user {@code relay} with an empty password: set the state
     * dir's password on it; when that fails too, the index file is moved aside to
     * {@code index.mv.db.old} (the index is a cache of the bucket: it is rebuilt from it, see
     * {@link #moveAside}).
     *
     * @return the connection that found the password right, left open: closing H2's last
     *     connection closes the database, which the caller would then open a second time (~0.1 s
     *     of CPU, the file lock's sleeps, AUTO_SERVER's stop and start); null otherwise
     */
    private static Connection migratePassword(JdbcDataSource ds, Path dir, String password) {
        if (!Files.exists(dir.resolve("index.mv.db"))) {
            return null;
        }
        try {
            return ds.getConnection(); // already the state dir's password
        } catch (SQLException e) {
            if (e.getErrorCode() != H2_WRONG_PASSWORD) {
                return null; // another problem: reported where the index is used
            }
        }
        JdbcDataSource old = new JdbcDataSource();
        old.setURL(ds.getURL());
        old.setUser("relay");
        old.setPassword("");
        try (Connection c = old.getConnection(); java.sql.PreparedStatement st = c.prepareStatement("ALTER USER relay SET PASSWORD ?")) {
            st.setString(1, password);
            st.execute();
        } catch (SQLException e) {
            moveAside(dir, dir.resolve("index.mv.db.old"), "has an unknown password");
        }
        return null;
    }

    /**
     * A JDBC URL: {@code jdbc:postgresql:...} or {@code jdbc:h2:...}.
     *
     * @throws IndexException for another kind of URL or when the database cannot be reached
     */
    public static IndexDatabase connect(String url, String user, String password) {
        Objects.requireNonNull(url, "url");
        if (url.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url);
            if (user != null) {
                ds.setUser(user);
            }
            if (password != null) {
                ds.setPassword(password);
            }
            String description = url.replaceAll("password=[^&]*", "password=***");
            HikariDataSource pool = postgresPool(ds, description);
            try {
                return new IndexDatabase(pool, Kind.POSTGRESQL, description);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL(url);
            ds.setUser(user == null ? "relay" : user);
            ds.setPassword(password == null ? "" : password);
            return new IndexDatabase(ds, Kind.H2, url);
        }
        throw new IndexException("RELAY_DB_URL must be a jdbc:postgresql: (or jdbc:h2:) URL, got " + url, null);
    }

    /**
     * The pool over {@code ds}, after one connection of {@code ds}'s own has shown that the database
     * takes ours: a wrong URL, user or password fails here with the driver's message, at once (the
     * pool, started with no connection, would only time out on its first use; HikariCP's own
     * start-up check logs a stack trace before failing).
     *
     * @throws IndexException when {@code ds} cannot connect
     */
    private static HikariDataSource postgresPool(PGSimpleDataSource ds, String description) {
        try {
            ds.getConnection().close(); // only the opening matters (the server checked us), no statement
        } catch (SQLException e) {
            throw new IndexException("cannot open the index database " + description + ": " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName("relay-index");
        config.setMaximumPoolSize(PG_MAX_CONNECTIONS);
        config.setMinimumIdle(0);
        config.setIdleTimeout(PG_IDLE_MILLIS);
        config.setConnectionTimeout(PG_CONNECTION_TIMEOUT_MILLIS);
        config.setInitializationFailTimeout(-1); // the probe above checked the database: no second connection now
        return new HikariDataSource(config);
    }

    /**
     * A connection (auto-commit on); the caller closes it. It is pooled (an H2 session, a
     * PostgreSQL connection): closing it rolls back what was not committed, turns auto-commit back
     * on and keeps it for the next caller.
     *
     * @throws SQLException when the database fails, or no connection is free within
     *     {@value #PG_CONNECTION_TIMEOUT_MILLIS} ms (PostgreSQL; the message ends with the database's reason when it has one)
     */
    public Connection connection() throws SQLException {
        if (pool != null) {
            return pool.getConnection();
        }
        try {
            return dataSource.getConnection();
        } catch (java.sql.SQLTransientConnectionException e) {
            // HikariCP's "Connection is not available, request timed out" keeps the database's reason as its cause
            Throwable cause = e.getCause();
            if (cause == null || cause.getMessage() == null) {
                throw e;
            }
            throw new java.sql.SQLTransientConnectionException(e.getMessage() + ": " + cause.getMessage(), e.getSQLState(), e);
        }
    }

    /**
     * Whether this is a fresh index started in place of a state dir's file that was moved aside
     * (unknown password, failed migration) and the bucket's runs are not back in it yet: the
     * {@value #REBUILD_MARKER} file beside it exists. Always false for PostgreSQL and a
     * {@link #connect}ed database.
     */
    public boolean rebuildPending() {
        return rebuildMarker != null && Files.exists(rebuildMarker);
    }

    /**
     * Records that the index was rebuilt from the bucket after {@link #rebuildPending()}: removes
     * the marker (a failure to remove it only means the next open rebuilds again).
     */
    public void rebuildDone() {
        if (rebuildMarker != null) {
            try {
                Files.deleteIfExists(rebuildMarker);
            } catch (java.io.IOException ignored) {
                // rebuilt again next time
            }
        }
    }

    /** H2 or PostgreSQL. */
    public Kind kind() {
        return kind;
    }

    /** The database for messages: the H2 file or the JDBC URL without a password. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.dispose(); // closes the idle sessions; one still borrowed closes when its user closes it
        }
        if (dataSource instanceof HikariDataSource pg) {
            pg.close(); // closes the idle connections; one still borrowed is aborted (its transaction rolled back)
        }
        if (keepAlive != null) {
            if (quickClose != null && needsCompaction(keepAlive)) {
                try {
                    Files.writeString(quickClose, "the next close of this index compacts it\n");
                } catch (java.io.IOException | RuntimeException ignored) {
                    // the file grows until a close can write the marker (or relay server compacts it)
                }
            }
            try {
                keepAlive.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            if (compacting != null) {
                try {
                    Files.deleteIfExists(compacting);
                } catch (java.io.IOException ignored) {
                    // compacts again at the next close
                }
            }
        }
    }

    /** Whether the H2 file is past {@link #COMPACT_MIN_BYTES} with less than {@link #COMPACT_BELOW_FILL}% of its chunks live. */
    private static boolean needsCompaction(Connection c) {
        long size = -1;
        int fill = 100;
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                "select SETTING_NAME, SETTING_VALUE from INFORMATION_SCHEMA.SETTINGS"
                        + " where SETTING_NAME in ('info.FILE_SIZE', 'info.CHUNKS_FILL_RATE')")) {
            while (rs.next()) {
                if ("info.FILE_SIZE".equals(rs.getString(1))) {
                    size = Long.parseLong(rs.getString(2).trim());
                } else {
                    fill = Integer.parseInt(rs.getString(2).trim());
                }
            }
        } catch (SQLException | RuntimeException e) {
            return false; // an AUTO_SERVER client of another process's database, or another shape: its owner compacts
        }
        return size > COMPACT_MIN_BYTES && fill < COMPACT_BELOW_FILL;
    }
}
