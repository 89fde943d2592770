package dev.relay.runner.cli;

import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.ObjectIndexer;
import dev.relay.runner.local.Buckets;
import dev.relay.runner.index.RunIndex;
import dev.relay.runner.contract.RelayEnv;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the query commands reach the index and the bucket of a state dir (or the cluster's, from the environment). */
final class IndexAccess {
    private IndexAccess() {}

    /**
     * Opens the index: PostgreSQL from {@code RELAY_DB_URL}, else the H2 file under the state dir.
     * An index started afresh in place of a broken file is rebuilt from the bucket first
     * ({@link ObjectIndexer#rebuildIfPending}); when that fails the index is returned as it is,
     * with a warning on {@code err}.
     *
     * @return null after printing why to {@code err} (the caller exits 2)
     */
    static IndexDatabase openIndex(Path stateDir, PrintWriter err) {
        IndexDatabase db = openIndexAsIs(stateDir, err);
        if (db != null && db.rebuildPending()) {
            try (Buckets.Open bucket = Buckets.open(RelayEnv.current(), stateDir)) {
                new ObjectIndexer(bucket.store(), new RunIndex(db), w -> err.println("relay: index: " + w)).rebuildIfPending()
                        .ifPresent(r -> err.println("relay: rebuilt the new index from the bucket: "
                                + r.runs() + " run" + (r.runs() == 1 ? "" : "s")));
            } catch (RuntimeException e) {
                err.println("relay: warning: the new index could not be rebuilt from the bucket (the next open tries again): "
                        + e.getMessage());
            }
            err.flush();
        }
        return db;
    }

    /**
     * {@link #openIndex(Path, PrintWriter)} without the rebuild of a fresh index ({@code relay index
     * rebuild} does its own).
     *
     * @return null after printing why to {@code err} (the caller exits 2)
     */
    static IndexDatabase openIndexAsIs(Path stateDir, PrintWriter err) {
        if (RelayEnv.current().dbUrl() == null && !Files.isDirectory(stateDir)) {
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
