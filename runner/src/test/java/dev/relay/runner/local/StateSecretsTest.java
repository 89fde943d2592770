package dev.relay.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.contract.StateSecrets;
import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: the embedded store and index used well-known keys, and the index listened beyond loopback. */
class StateSecretsTest {
    @TempDir
    Path tmp;

    @Test
    void eachStateDirGetsItsOwnRandomSecretsInA0600File() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        StateSecrets sa = StateSecrets.of(a, Map.of());
        StateSecrets sb = StateSecrets.of(b, Map.of());
        assertNotEquals(RelayEnv.DEFAULT_ACCESS_KEY, sa.s3AccessKey());
        assertNotEquals(RelayEnv.DEFAULT_SECRET_KEY, sa.s3SecretKey());
        assertNotEquals(sa.s3SecretKey(), sb.s3SecretKey());
        assertNotEquals(sa.indexPassword(), sb.indexPassword());
        assertEquals(sa, StateSecrets.of(a, Map.of()), "kept across starts");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.resolve(StateSecrets.FILE))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
        StateSecrets env = StateSecrets.of(a, Map.of("RELAY_S3_ACCESS_KEY", "mine", "RELAY_S3_SECRET_KEY", "mine-secret"));
        assertEquals("mine", env.s3AccessKey());
        assertEquals("mine-secret", env.s3SecretKey());
        assertEquals(sa.indexPassword(), env.indexPassword());
    }

    @Test
    void theEmbeddedS3RefusesTheWellKnownKeys() throws Exception {
        Path state = tmp.resolve("state");
        StateSecrets keys = StateSecrets.of(state, Map.of());
        try (EmbeddedS3Server server = EmbeddedS3Server.start(state.resolve("s3"), "127.0.0.1", 0, keys.s3AccessKey(),
                keys.s3SecretKey(), e -> { })) {
            server.store("mlpipeline").ensureBucket().put("runs/r-1/run.json", "{}".getBytes());
            MinioArtifactStore old = MinioArtifactStore.connect(server.endpoint().toString(), RelayEnv.DEFAULT_ACCESS_KEY,
                    RelayEnv.DEFAULT_SECRET_KEY, RelayEnv.REGION, "mlpipeline");
            RuntimeException e = assertThrows(RuntimeException.class, () -> old.put("runs/r-2/run.json", "{}".getBytes()));
            assertTrue(String.valueOf(e.getMessage()).toLowerCase().matches(".*(access|denied|signature|forbidden|403|key).*"),
                    e.getMessage());
        }
        try (Buckets.Open open = Buckets.open(RelayEnv.from(Map.of()), state)) {
            assertTrue(open.store().get("runs/r-1/run.json").isPresent(), "Relay's own commands use the state dir's keys");
        }
    }

    @Test
    void theIndexHasAPasswordAndListensOnLoopbackOnly() throws Exception {
        Class.forName(IndexDatabase.class.getName(), true, getClass().getClassLoader()); // Relay is H2's first user
        Path state = tmp.resolve("idx");
        // an index made by an older Relay: user relay, empty password
        Files.createDirectories(state);
        JdbcDataSource old = new JdbcDataSource();
        old.setURL("jdbc:h2:file:" + state.resolve("index").toAbsolutePath() + ";AUTO_SERVER=TRUE");
        old.setUser("relay");
        old.setPassword("");
        try (Connection c = old.getConnection()) {
            c.createStatement().execute("CREATE TABLE kept(x INT)");
        }
        try (IndexDatabase db = IndexDatabase.h2(state); Connection c = db.connection()) {
            c.createStatement().execute("SELECT COUNT(*) FROM kept"); // migrated in place, not rebuilt
            Properties lock = new Properties();
            try (Reader r = Files.newBufferedReader(state.resolve("index.lock.db"))) {
                lock.load(r);
            }
            String server = lock.getProperty("server", "");
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            assertEquals(java.util.List.of("127.0.0.1"), listeners(port), "AUTO_SERVER " + server);
            SQLException e = assertThrows(SQLException.class, () -> old.getConnection().close());
            assertEquals(28000, e.getErrorCode(), e.getMessage());
        }
    }

    /** @return the addresses listening on TCP {@code port}, from Linux's /proc/net/tcp{,6} */
    private static java.util.List<String> listeners(int port) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/net/tcp")), "no /proc/net/tcp here");
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String f : java.util.List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (!Files.exists(Path.of(f))) {
                continue;
            }
            for (String line : Files.readAllLines(Path.of(f))) {
                String[] c = line.trim().split("\\s+");
                if (c.length > 3 && c[1].contains(":") && "0A".equals(c[3])
                        && Integer.parseInt(c[1].substring(c[1].indexOf(':') + 1), 16) == port) {
                    String hex = c[1].substring(0, c[1].indexOf(':'));
                    out.add(hex.equals("0100007F") || hex.equals("0000000000000000FFFF00000100007F") ? "127.0.0.1" : hex.equals("00000000000000000000000001000000") ? "::1" : hex);
                }
            }
        }
        return out;
    }
}
