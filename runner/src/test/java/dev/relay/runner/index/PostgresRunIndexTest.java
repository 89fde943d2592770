package dev.relay.runner.index;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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

    @Override
    IndexDatabase openFresh() throws Exception {
        String name = "relay_test_" + N.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return IndexDatabase.connect(pg.getJdbcUrl("postgres", name), "postgres", "postgres");
    }
}
