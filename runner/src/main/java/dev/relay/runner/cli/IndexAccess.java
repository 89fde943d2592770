package dev.relay.runner.cli;

import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.RunIndex;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the query commands reach the index and the bucket of a state dir (or the cluster's, from the environment). */
final class IndexAccess {
    private IndexAccess() {}

    /**
     * Opens the index: PostgreSQL from {@code RELAY_DB_URL}, else the H2 file under the state dir.
     *
     * @return null after printing why to {@code err} (the caller exits 2)
     */
    static IndexDatabase openIndex(Path stateDir, PrintWriter err) {
        if (System.getenv("RELAY_DB_URL") == null && !Files.isDirectory(stateDir)) {
            err.println("relay: no state dir " + stateDir + " (run a pipeline with 'relay run' first, or pass --state-dir)");
            err.flush();
            return null;
        }
        try {
            return IndexDatabase.open(stateDir);
        } catch (IndexException e) {
            err.println("relay: " + e.getMessage());
            err.flush();
            return null;
        }
    }

    /** The bucket: {@code RELAY_S3_ENDPOINT} when set, else the embedded store of the state dir. */
    static final class Bucket implements AutoCloseable {
        final ArtifactStore store;
        private final AutoCloseable owner;

        private Bucket(ArtifactStore store, AutoCloseable owner) {
            this.store = store;
            this.owner = owner;
        }

        static Bucket open(Path stateDir) {
            String bucket = env("RELAY_BUCKET", EmbeddedRuntime.DEFAULT_BUCKET);
            String access = env("RELAY_S3_ACCESS_KEY", EmbeddedRuntime.DEFAULT_ACCESS_KEY);
            String secret = env("RELAY_S3_SECRET_KEY", EmbeddedRuntime.DEFAULT_SECRET_KEY);
            String endpoint = System.getenv("RELAY_S3_ENDPOINT");
            if (endpoint != null && !endpoint.isBlank()) {
                MinioArtifactStore s = MinioArtifactStore.connect(endpoint, access, secret, "us-east-1", bucket);
                return new Bucket(s, s);
            }
            EmbeddedS3Server server = EmbeddedS3Server.start(stateDir.resolve("s3"), "127.0.0.1", 0, access, secret, b -> { });
            return new Bucket(server.store(bucket).ensureBucket(), server);
        }

        @Override
        public void close() throws Exception {
            owner.close();
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** A metric value as KFP's UI shows it: PERCENTAGE as {@code 12.345%}, RAW with up to 6 decimals. */
    static String format(Double value, String format) {
        if (value == null) {
            return "-";
        }
        if ("PERCENTAGE".equals(format)) {
            return String.format(java.util.Locale.ROOT, "%.3f%%", value * 100);
        }
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(value));
        if (d.scale() > 6) {
            d = d.setScale(6, java.math.RoundingMode.HALF_EVEN);
        }
        return d.stripTrailingZeros().toPlainString();
    }
}
