package dev.relay.runner.run;

import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.launch.LiveLog;
import dev.relay.runner.store.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task's log, live while it runs: the running attempt's growing log from its {@link LiveLog}
 * (the local work dir's {@code <workRoot>/<run>/<task path>/<attempt>/log.txt}; in the cluster the
 * pod's log), else the newest attempt's {@code attempts/<n>/log.txt} in the store (the record).
 * Read in chunks from a byte offset, so a follower asks again from {@link Chunk#nextOffset()}.
 */
public final class RunLogs {
    private static final Pattern ATTEMPT = Pattern.compile(".*/attempts/([0-9]+)/(log\\.txt|status\\.json)");
    private static final int MAX_CHUNK = 1 << 20;

    /**
     * @param text       the bytes from the offset asked (at most 1 MiB), as UTF-8
     * @param nextOffset where to read next
     * @param live       true while the attempt is still running (more may come)
     * @param attempt    the attempt read, 0 when the task has not started
     */
    public record Chunk(String text, long nextOffset, boolean live, int attempt) {}

    private final ArtifactStore store;
    private final LiveLog live;

    /** @param workRoot the local launcher's work dirs, or null where executions are not local */
    public RunLogs(ArtifactStore store, Path workRoot) {
        this(store, workRoot == null ? LiveLog.NONE : LiveLog.workDirs(workRoot));
    }

    /** @param live where a running attempt's log is read ({@link LiveLog#NONE}: the store only) */
    public RunLogs(ArtifactStore store, LiveLog live) {
        this.store = store;
        this.live = live;
    }

    /**
     * Reads a task's log from {@code offset}.
     *
     * @return empty when the run has no such task key (nothing written and no work dir)
     * @param task the task's path ({@code train}, or {@code for-loop-2/0/print-op} for a nested task)
     * @throws IllegalArgumentException when the run id is not a DNS-1123 label or the task not a task path
     */
    public Chunk read(String runId, String task, long offset) {
        String prefix = RunLayout.taskPrefix(runId, task) + "attempts/";
        int finished = 0;
        int logged = 0;
        for (String k : store.list(prefix, true)) {
            Matcher m = ATTEMPT.matcher(k);
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1));
                if (m.group(2).equals("status.json")) {
                    finished = Math.max(finished, n);
                } else {
                    logged = Math.max(logged, n);
                }
            }
        }
        if (logged <= finished) {
            int n = finished + 1; // the attempt running now, if any: its log is not in the store yet
            Optional<LiveLog.Piece> p = live.read(runId, task, n, offset, MAX_CHUNK);
            if (p.isPresent()) {
                return new Chunk(new String(p.get().bytes(), StandardCharsets.UTF_8), p.get().nextOffset(), true, n);
            }
        }
        int n = Math.max(finished, logged);
        if (n == 0) {
            return new Chunk("", offset, true, 0);
        }
        Optional<byte[]> log = store.get(RunLayout.attemptLog(runId, task, n));
        if (log.isEmpty()) {
            return new Chunk("", offset, true, n);
        }
        byte[] b = log.get();
        int from = (int) Math.min(Math.max(0, offset), b.length);
        int to = Math.min(b.length, from + MAX_CHUNK);
        return new Chunk(new String(b, from, to - from, StandardCharsets.UTF_8), to, to < b.length || finished < n, n);
    }
}
