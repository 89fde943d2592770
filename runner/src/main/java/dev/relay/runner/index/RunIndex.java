package dev.relay.runner.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunStatus;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SQL index: writes what {@link ObjectIndexer} finds in the bucket and answers the queries of
 * {@code relay runs list|get}, {@code relay metrics compare} and the HTTP API ({@code docs/api.md}).
 *
 * <p>Every write replaces what the index held for that object in one transaction, so indexing the
 * same object twice changes nothing and objects may arrive in any order (a task's metrics before
 * its run's {@code run.json}). A write that loses a race with another indexer (a unique-key
 * violation, a serialization failure) is retried, and so is a write or query whose pooled
 * connection the server had ended, on another connection. All methods throw {@link IndexException}
 * when the database fails. Thread-safe: each call uses its own connection.
 */
public final class RunIndex {
    /** Origins of stored errors. */
    static final String METRICS = "METRICS";
    static final String UI_METADATA = "UI_METADATA";
    static final String RUN_LIMIT = "RUN_LIMIT";

    private final IndexDatabase db;

    /** @param db an open, migrated database (owned by the caller) */
    public RunIndex(IndexDatabase db) {
        this.db = db;
    }

    /** The database this index reads and writes. */
    public IndexDatabase database() {
        return db;
    }

    // ---------------------------------------------------------------- writes

    /** Indexes {@code runs/<run>/run.json}: pipeline, parameters, cause, creation time. */
    public void putRun(RunDoc doc) {
        tx(c -> {
            String pipeline = doc.pipeline() == null ? null : doc.pipeline().name();
            String version = doc.pipeline() == null ? null : doc.pipeline().version();
            Object[] values = {pipeline, version, doc.createdAt(), millis(doc.createdAt()), json(doc.parameters()),
                doc.cause() == null ? null : doc.cause().kind(), doc.runId()};
            if (update(c, "UPDATE relay_runs SET pipeline = ?, pipeline_version = ?, created_at = ?, created_ms = ?,"
                    + " parameters = ?, cause = ? WHERE run_id = ?", values) == 0) {
                update(c, "INSERT INTO relay_runs (pipeline, pipeline_version, created_at, created_ms, parameters, cause, run_id,"
                        + " phase) VALUES (?, ?, ?, ?, ?, ?, ?, 'Running')", values);
            }
        });
    }

    /** Indexes a run's status (its current generation's): the run's phase and end, and every task's final phase. */
    public void putRunStatus(RunStatus s) {
        tx(c -> {
            String phase = s.phase() == null ? Phase.Running.name() : s.phase().name();
            if (update(c, "UPDATE relay_runs SET phase = ?, finished_at = ? WHERE run_id = ?", phase, s.finishedAt(), s.runId()) == 0) {
                update(c, "INSERT INTO relay_runs (phase, finished_at, run_id) VALUES (?, ?, ?)", phase, s.finishedAt(), s.runId());
            }
            if (s.tasks() != null) {
                for (Map.Entry<String, Phase> t : s.tasks().entrySet()) {
                    if (update(c, "UPDATE relay_tasks SET phase = ? WHERE run_id = ? AND task = ?",
                            t.getValue().name(), s.runId(), t.getKey()) == 0) {
                        update(c, "INSERT INTO relay_tasks (run_id, task, phase, attempts) VALUES (?, ?, ?, 0)",
                                s.runId(), t.getKey(), t.getValue().name());
                    }
                }
            }
        });
    }

    /**
     * Marks a run Running again, with no end: its current generation (a retry's, a resume's) has
     * no status yet. Task rows keep following their newest attempts.
     */
    public void reopenRun(String runId) {
        tx(c -> {
            if (update(c, "UPDATE relay_runs SET phase = ?, finished_at = NULL WHERE run_id = ?", Phase.Running.name(), runId) == 0) {
                update(c, "INSERT INTO relay_runs (run_id, phase) VALUES (?, 'Running')", runId);
            }
        });
    }

    /**
     * Indexes one attempt's {@code status.json}: the task row follows its newest attempt (an older
     * attempt's status arriving late changes nothing). Until the run's {@code status.json} is
     * indexed, a task's phase is its newest attempt's ({@code Failed} even if a retry follows).
     */
    public void putAttempt(AttemptStatus s) {
        tx(c -> {
            Map<String, String> outputs = new LinkedHashMap<>();
            if (s.outputs() != null) {
                s.outputs().forEach((k, v) -> outputs.put(k, v.uri()));
            }
            Object[] values = {s.phase() == null ? null : s.phase().name(), s.attempt(), s.exitCode(), s.reason(), s.message(),
                s.startedAt(), s.finishedAt(), json(outputs), s.runId(), s.task()};
            // a task row exists only with its run's row (written in one transaction, deleted in one by
            // deleteRun): a task row updated here needs no look at relay_runs
            if (update(c, "UPDATE relay_tasks SET phase = ?, attempts = ?, exit_code = ?, reason = ?, message = ?, started_at = ?,"
                    + " finished_at = ?, outputs = ? WHERE run_id = ? AND task = ? AND attempts <= ?", append(values, s.attempt())) == 0) {
                ensureRun(c, s.runId());
                if (!exists(c, "SELECT 1 FROM relay_tasks WHERE run_id = ? AND task = ?", s.runId(), s.task())) {
                    update(c, "INSERT INTO relay_tasks (phase, attempts, exit_code, reason, message, started_at, finished_at, outputs,"
                            + " run_id, task) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values);
                }
            }
        });
    }

    /**
     * Replaces a task's metrics and metrics errors with {@code r}, then re-applies the run's
     * 50-metric limit: the first 50 valid metrics by (task, entry) are kept, each later one is
     * reported as an error on its file.
     *
     * @param file the metrics object's key (named in the limit errors)
     */
    public void putMetrics(String runId, String task, String file, MetricsParser.Result r) {
        tx(c -> {
            // one metrics write per run at a time, so two indexers applying the run's limit see each other's
            // rows: the run's row locked, or inserted (a second inserter waits for it, then fails and retries)
            if (!exists(c, "SELECT 1 FROM relay_runs WHERE run_id = ? FOR UPDATE", runId)) {
                update(c, "INSERT INTO relay_runs (run_id, phase) VALUES (?, 'Running')", runId);
            }
            update(c, "DELETE FROM relay_metrics WHERE run_id = ? AND task = ?", runId, task);
            update(c, "DELETE FROM relay_index_errors WHERE run_id = ? AND task = ? AND origin = ?", runId, task, METRICS);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO relay_metrics (run_id, task, entry, name, number_value,"
                    + " format, kept) VALUES (?, ?, ?, ?, ?, ?, TRUE)")) {
                for (Metric m : r.metrics()) {
                    bind(ps, runId, task, m.entry(), m.name(), m.numberValue(), m.format());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            insertErrors(c, runId, task, METRICS, r.errors());
            applyRunLimit(c, runId);
        });
    }

    /** Replaces a task's visualizations and UI-metadata errors with {@code r}. */
    public void putUiMetadata(String runId, String task, UiMetadataParser.Result r) {
        tx(c -> {
            ensureRun(c, runId);
            update(c, "DELETE FROM relay_visualizations WHERE run_id = ? AND task = ?", runId, task);
            update(c, "DELETE FROM relay_index_errors WHERE run_id = ? AND task = ? AND origin = ?", runId, task, UI_METADATA);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO relay_visualizations (run_id, task, entry, type, storage,"
                    + " source, link, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Visualization v : r.visualizations()) {
                    bind(ps, runId, task, v.entry(), v.type(), v.storage(), v.source(), v.link(), json(v.data()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            insertErrors(c, runId, task, UI_METADATA, r.errors());
        });
    }

    /** Removes a task's metrics (the file is gone). */
    public void removeMetrics(String runId, String task) {
        putMetrics(runId, task, null, new MetricsParser.Result(List.of(), List.of()));
    }

    /** Removes a task's visualizations (the file is gone). */
    public void removeUiMetadata(String runId, String task) {
        putUiMetadata(runId, task, new UiMetadataParser.Result(List.of(), List.of()));
    }

    /** Removes everything about a run. */
    public void deleteRun(String runId) {
        tx(c -> {
            for (String t : List.of("relay_index_errors", "relay_visualizations", "relay_metrics", "relay_tasks", "relay_runs")) {
                update(c, "DELETE FROM " + t + " WHERE run_id = ?", runId);
            }
        });
    }

    /** The ids of every indexed run. */
    public List<String> runIds() {
        return query(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id FROM relay_runs ORDER BY run_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    // ---------------------------------------------------------------- queries

    /**
     * Runs, newest first (by {@code createdAt}; runs without one last, by id).
     *
     * @param pipeline only runs of this pipeline name, or null for all
     * @param limit    at most this many, or 0 for all
     */
    public List<RunSummary> listRuns(String pipeline, int limit) {
        return query(c -> {
            String sql = "SELECT run_id, pipeline, pipeline_version, phase, created_at, finished_at, cause FROM relay_runs"
                    + (pipeline == null ? "" : " WHERE pipeline = ?") + " ORDER BY created_ms DESC NULLS LAST, run_id DESC"
                    + (limit > 0 ? " LIMIT " + limit : "");
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (pipeline != null) {
                    ps.setString(1, pipeline);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)});
                    }
                }
            }
            Map<String, Map<String, String>> formats = new HashMap<>();
            Map<String, Map<String, Double>> metrics = metricValues(c, rows.stream().map(r -> r[0]).toList(), formats);
            List<RunSummary> out = new ArrayList<>();
            for (String[] r : rows) {
                out.add(new RunSummary(r[0], r[1], r[2], r[3], r[4], r[5], metrics.getOrDefault(r[0], Map.of()),
                        formats.getOrDefault(r[0], Map.of()), r[6]));
            }
            return out;
        });
    }

    /** One run's summary, or empty when the index does not hold it. */
    public Optional<RunSummary> run(String runId) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, pipeline, pipeline_version, phase, created_at,"
                    + " finished_at, cause FROM relay_runs WHERE run_id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Map<String, Map<String, String>> formats = new HashMap<>();
                    Map<String, Double> metrics = metricValues(c, List.of(runId), formats).getOrDefault(runId, Map.of());
                    return Optional.of(new RunSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), metrics, formats.getOrDefault(runId, Map.of()), rs.getString(7)));
                }
            }
        });
    }

    /**
     * The metric names to show as columns of a run list, as KFP's run list does: the names most
     * runs have (ties by name), at most {@code max}.
     */
    public static List<String> metricColumns(Collection<RunSummary> runs, int max) {
        Map<String, Integer> counts = new HashMap<>();
        runs.forEach(r -> r.metrics().keySet().forEach(n -> counts.merge(n, 1, Integer::sum)));
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(max).map(Map.Entry::getKey).toList();
    }

    /** A run's kept metrics, by task then entry. */
    public List<Metric> metrics(String runId) {
        return query(c -> {
            List<Metric> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT task, entry, name, number_value, format FROM relay_metrics"
                    + " WHERE run_id = ? AND kept ORDER BY task, entry")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Metric(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getDouble(4), rs.getString(5)));
                    }
                }
            }
            return out;
        });
    }

    /** A run's visualizations, by task then entry. */
    public List<Visualization> visualizations(String runId) {
        return query(c -> {
            List<Visualization> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT task, entry, type, storage, source, link, data"
                    + " FROM relay_visualizations WHERE run_id = ? ORDER BY task, entry")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Visualization(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), tree(rs.getString(7))));
                    }
                }
            }
            return out;
        });
    }

    /** A run's index errors: by task, metrics before UI metadata, in file order. */
    public List<IndexError> errors(String runId) {
        return query(c -> {
            List<IndexError> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT file, entry, field, message FROM relay_index_errors"
                    + " WHERE run_id = ? ORDER BY task, CASE origin WHEN 'UI_METADATA' THEN 1 ELSE 0 END, file, entry, seq")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int entry = rs.getInt(2);
                        Integer e = rs.wasNull() ? null : entry;
                        out.add(new IndexError(rs.getString(1), e, rs.getString(3), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Metrics of several runs side by side.
     *
     * @throws UnknownRunException naming every run the index does not hold
     * @throws IllegalArgumentException for an empty list
     */
    public Comparison compare(List<String> runIds) {
        if (runIds.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one run");
        }
        List<String> runs = List.copyOf(new LinkedHashSet<>(runIds));
        return query(c -> {
            List<String> missing = new ArrayList<>();
            for (String id : runs) {
                if (!exists(c, "SELECT 1 FROM relay_runs WHERE run_id = ?", id)) {
                    missing.add(id);
                }
            }
            if (!missing.isEmpty()) {
                throw new UnknownRunException(missing);
            }
            Map<String, Map<String, String>> formatsByRun = new HashMap<>();
            Map<String, Map<String, Double>> byRun = metricValues(c, runs, formatsByRun);
            Map<String, Map<String, Double>> metrics = new TreeMap<>();
            Map<String, String> formats = new TreeMap<>();
            for (String id : runs) {
                byRun.getOrDefault(id, Map.of()).forEach((name, v) -> metrics.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(id, v));
                formatsByRun.getOrDefault(id, Map.of()).forEach(formats::putIfAbsent);
            }
            Map<String, Map<String, Double>> differences = new TreeMap<>();
            String base = runs.get(0);
            metrics.forEach((name, values) -> {
                Double b = values.get(base);
                if (b == null) {
                    return;
                }
                for (String id : runs.subList(1, runs.size())) {
                    Double v = values.get(id);
                    if (v != null) {
                        double d = new BigDecimal(Double.toString(v)).subtract(new BigDecimal(Double.toString(b))).doubleValue();
                        differences.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(id, d);
                    }
                }
            });
            return new Comparison(runs, metrics, formats, differences);
        });
    }

    // ---------------------------------------------------------------- internals

    /**
     * run id → name → value of the kept metrics, first task by name winning; fills {@code formats}
     * (run id → name → format, for the metrics that give one).
     */
    private static Map<String, Map<String, Double>> metricValues(Connection c, List<String> runIds,
            Map<String, Map<String, String>> formats) throws SQLException {
        Map<String, Map<String, Double>> out = new HashMap<>();
        if (runIds.isEmpty()) {
            return out;
        }
        for (int from = 0; from < runIds.size(); from += 500) {
            List<String> chunk = runIds.subList(from, Math.min(runIds.size(), from + 500));
            String in = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, name, number_value, format FROM relay_metrics"
                    + " WHERE kept AND run_id IN (" + in + ") ORDER BY run_id, task, entry")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Double> m = out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>());
                        if (m.putIfAbsent(rs.getString(2), rs.getDouble(3)) == null && rs.getString(4) != null) {
                            formats.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(4));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void applyRunLimit(Connection c, String runId) throws SQLException {
        update(c, "DELETE FROM relay_index_errors WHERE run_id = ? AND origin = ?", runId, RUN_LIMIT);
        List<Object[]> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT task, entry, name, kept FROM relay_metrics WHERE run_id = ?"
                + " ORDER BY task, entry")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBoolean(4)});
                }
            }
        }
        for (int i = 0; i < all.size(); i++) {
            Object[] m = all.get(i);
            boolean keep = i < MetricsParser.MAX_METRICS;
            if (keep != (Boolean) m[3]) {
                update(c, "UPDATE relay_metrics SET kept = ? WHERE run_id = ? AND task = ? AND entry = ?", keep, runId, m[0], m[1]);
            }
            if (!keep) {
                String task = (String) m[0];
                update(c, "INSERT INTO relay_index_errors (run_id, task, origin, seq, file, entry, field, message)"
                        + " VALUES (?, ?, ?, ?, ?, ?, NULL, ?)", runId, task, RUN_LIMIT, m[1],
                        dev.relay.runner.contract.RunLayout.metrics(runId, task), m[1],
                        "the run has more than " + MetricsParser.MAX_METRICS + " metrics (KFP's limit, counted by task name"
                                + " then entry): metric '" + m[2] + "' is not kept");
            }
        }
    }

    private static void insertErrors(Connection c, String runId, String task, String origin, List<IndexError> errors)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO relay_index_errors (run_id, task, origin, seq, file, entry,"
                + " field, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (IndexError e : errors) {
                bind(ps, runId, task, origin, seq++, e.file(), e.entry(), e.field(), e.message());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void ensureRun(Connection c, String runId) throws SQLException {
        if (!exists(c, "SELECT 1 FROM relay_runs WHERE run_id = ?", runId)) {
            update(c, "INSERT INTO relay_runs (run_id, phase) VALUES (?, 'Running')", runId);
        }
    }

    private static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Long n) {
                ps.setLong(i + 1, n);
            } else if (a instanceof Double d) {
                ps.setDouble(i + 1, d);
            } else if (a instanceof Boolean b) {
                ps.setBoolean(i + 1, b);
            } else {
                ps.setString(i + 1, a.toString());
            }
        }
    }

    private static Object[] append(Object[] a, Object last) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }

    private static Long millis(String rfc3339) {
        if (rfc3339 == null) {
            return null;
        }
        try {
            return Instant.parse(rfc3339).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IndexException("corrupt visualization data in the index: " + e.getOriginalMessage(), e);
        }
    }

    /** A unit of work on one connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface VoidWork {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a connection, once more on another when the first turned out broken (SQLState class 08). */
    private <T> T query(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            boolean connected = false; // a connection that could not be had at all is not tried again
            try (Connection c = db.connection()) {
                connected = true;
                return work.run(c);
            } catch (SQLException e) {
                if (connected && attempt < 2 && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                    continue;
                }
                throw new IndexException("index query failed on " + db.description() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs {@code work} in a transaction, retrying up to 3 times when it lost a race with another
     * writer or its pooled connection turned out broken (SQLState class 08: the server closed it; a
     * write done twice changes nothing). A connection that cannot be had at all is not tried again.
     */
    private void tx(VoidWork work) {
        for (int attempt = 1; ; attempt++) {
            boolean connected = false;
            try (Connection c = db.connection()) {
                connected = true;
                c.setAutoCommit(false);
                try {
                    work.run(c);
                    c.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException broken) {
                        e.addSuppressed(broken); // the write's own failure says why (a rollback on a broken connection only "closed")
                    }
                    throw e;
                }
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                boolean race = state.startsWith("23") || state.equals("40001") || state.equals("40P01") || state.equals("HYT00")
                        || (connected && state.startsWith("08"));
                if (!race || attempt >= 3) {
                    throw new IndexException("index write failed on " + db.description() + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
