package dev.relay.runner.recovery;

import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Local executions as process groups, and the machine-local record of each one, so that they can
 * be found and ended by another process after the JVM that started them died.
 *
 * <ul>
 *   <li>{@link #wrap} makes the execution's command start in a new session (util-linux
 *       {@code setsid}), so the process and everything it forks form one process group whose id is
 *       the process's PID, and {@link #killGroup} ends all of them at once; without
 *       {@code setsid} the command runs as given and only the process and its live descendants
 *       are ended.</li>
 *   <li>{@link #begin} writes {@code <stateDir>/executions/<run>/<path>/<n>.json}: the PID, its
 *       start time and the {@link Owner}. The file is padded to {@value #RECORD_SIZE} bytes when
 *       written, and {@link #noteOutcome} rewrites it in place, so an outcome can be noted even on
 *       a full disk (where the bucket cannot be written any more).</li>
 *   <li>{@link #installShutdownHook} ends every group this JVM started when the JVM exits
 *       (SIGTERM, SIGINT, normal exit); {@code kill -9} of the JVM leaves them to the next start's
 *       {@link Sweep}.</li>
 * </ul>
 * Thread-safe.
 */
public final class LocalExecutions {
    /** Size each record file is padded to (bytes). */
    public static final int RECORD_SIZE = 4096;
    /**
     * The outcome noted in the record of an execution that a graceful stop of its JVM ended (or
     * kept from starting): never written to the bucket as such; the {@link Sweep} writes the
     * attempt {@code Lost} and runs it again in a new generation, like {@code relay run --resume}.
     */
    public static final String INTERRUPTED = "Interrupted";
    private static final String SETSID = findSetsid();

    /**
     * One local execution.
     *
     * @param pid       the execution's process (the group leader when {@code group})
     * @param startedAt its start time, epoch ms
     * @param group     whether the process leads its own process group (id = pid)
     * @param owner     the JVM that started it
     * @param reason    an outcome noted by the owner that the bucket could not take (e.g.
     *                  {@code StoreUnavailable}), else null
     * @param message   that outcome's message, else null
     */
    public record Record(String runId, String task, int attempt, long pid, long startedAt, boolean group,
                         Owner owner, String reason, String message) {
        /** @return this record with an outcome */
        public Record withOutcome(String r, String m) {
            return new Record(runId, task, attempt, pid, startedAt, group, owner, r, m);
        }

        /** @return whether the execution's process still runs (same PID, same start time) */
        public boolean processAlive() {
            return Owner.alive(pid, startedAt);
        }
    }

    private final Path root;
    private final Set<Record> mine = ConcurrentHashMap.newKeySet();
    private volatile Thread hook;
    private volatile boolean stopping;

    /** @param stateDir the state dir; records go under {@code <stateDir>/executions/} */
    public LocalExecutions(Path stateDir) {
        this.root = stateDir.toAbsolutePath().normalize().resolve("executions");
    }

    /** @return {@code argv} prefixed so that it starts in its own session and process group (when {@code setsid} exists) */
    public static List<String> wrap(List<String> argv) {
        if (SETSID == null) {
            return argv;
        }
        List<String> out = new ArrayList<>(argv.size() + 1);
        out.add(SETSID);
        out.addAll(argv);
        return out;
    }

    /** @return whether {@link #wrap} puts executions in their own process group on this machine */
    public static boolean groupsAvailable() {
        return SETSID != null;
    }

    private Path file(String runId, String task, int attempt) {
        return root.resolve(RunLayout.label(runId, "run id")).resolve(RunLayout.path(task)).resolve(attempt + ".json");
    }

    /**
     * Writes an attempt's record (padded, with no process yet: pid 0) <em>before</em> its process
     * starts, so that {@link #begin} and {@link #noteOutcome} only rewrite it in place: a command
     * that fills the disk the moment it starts cannot keep its own record from being written.
     *
     * @throws IOException when the record cannot be written
     */
    public Record reserve(String runId, String task, int attempt) throws IOException {
        Record r = new Record(runId, task, attempt, 0, 0, SETSID != null, Owner.self(), null, null);
        write(r, true);
        return r;
    }

    /**
     * Records a started execution (its process started from {@link #wrap}ped argv); rewrites the
     * {@link #reserve}d record in place when there is one.
     *
     * @throws IOException when the record cannot be written
     */
    public Record begin(String runId, String task, int attempt, Process process) throws IOException {
        long started = process.toHandle().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        Record r = new Record(runId, task, attempt, process.pid(), started, SETSID != null, Owner.self(), null, null);
        mine.add(r);
        write(r, true);
        return r;
    }

    /**
     * Notes an outcome the bucket could not take, by rewriting the record in place (no new disk
     * blocks are needed). Best effort: returns false when even that failed.
     */
    public boolean noteOutcome(Record r, String reason, String message) {
        try {
            write(r.withOutcome(reason, message), false);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Forgets a finished execution (its status is in the bucket). */
    public void end(Record r) {
        mine.remove(r);
        try {
            Path f = file(r.runId(), r.task(), r.attempt());
            Files.deleteIfExists(f);
            pruneEmptyParents(f.getParent(), root);
        } catch (IOException ignored) {
            // a leftover record of a finished attempt is ignored by the sweep (the status exists)
        }
    }

    /** @return the record of an attempt, when there is one (unreadable ones count as absent) */
    public Optional<Record> read(String runId, String task, int attempt) {
        Path f = file(runId, task, attempt);
        try {
            byte[] b = Files.readAllBytes(f);
            return Optional.of(Json.read(b, Record.class, f.toString()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return every record of a run on this machine */
    public List<Record> ofRun(String runId) {
        Path dir = root.resolve(RunLayout.label(runId, "run id"));
        List<Record> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".json"))::iterator) {
                try {
                    out.add(Json.read(Files.readAllBytes(f), Record.class, f.toString()));
                } catch (IOException | RuntimeException ignored) {
                    // a record cut short by a crash: its attempt is judged without it
                }
            }
        } catch (IOException ignored) {
            // none readable
        }
        return out;
    }

    /** Removes every record of a run (after it finished). */
    public void forgetRun(String runId) {
        deleteTree(root.resolve(RunLayout.label(runId, "run id")));
    }

    private void write(Record r, boolean create) throws IOException {
        Path f = file(r.runId(), r.task(), r.attempt());
        byte[] json = Json.bytes(r);
        if (json.length > RECORD_SIZE) {
            json = Json.bytes(r.withOutcome(r.reason(), r.message() == null ? null
                    : r.message().substring(0, Math.min(r.message().length(), RECORD_SIZE / 2))));
        }
        byte[] padded = new byte[RECORD_SIZE];
        Arrays.fill(padded, (byte) ' ');
        System.arraycopy(json, 0, padded, 0, Math.min(json.length, RECORD_SIZE));
        if (create) {
            createDirectories(f.getParent());
        }
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(0);
            raf.write(padded);
            raf.getFD().sync();
        }
    }

    /**
     * Ends an execution: SIGTERM to its process group (or to the process and its descendants),
     * then SIGKILL to whatever is left after {@code grace}. Does nothing when the record's
     * process is gone and its group is empty; never signals a process whose PID was reused.
     *
     * @return true when something was signalled
     */
    public static boolean end(Record r, long graceMillis) {
        boolean leaderAlive = r.processAlive();
        // that PID now names another process (another start time), which may lead its own group:
        // leave it alone. The leader itself, exited but not reaped (a zombie: its parent died and
        // the heir does not wait), keeps its start time: the rest of its group is still ended.
        boolean reused = !leaderAlive && ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().startInstant()).map(t -> t.toEpochMilli() != r.startedAt()).orElse(false);
        if (reused) {
            return false;
        }
        if (r.group()) {
            if (!killGroup(r.pid(), "TERM")) {
                return false;
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
            while (System.nanoTime() < deadline && groupRuns(r.pid())) {
                sleep(50);
            }
            if (groupRuns(r.pid())) {
                killGroup(r.pid(), "KILL");
            }
            return true;
        }
        if (!leaderAlive) {
            return false;
        }
        ProcessHandle h = ProcessHandle.of(r.pid()).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(h.descendants().toList());
        all.add(h);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        while (System.nanoTime() < deadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
            sleep(50);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        return true;
    }

    /**
     * @return whether process group {@code pgid} has a member that is not a zombie (read from
     *     {@code /proc}; where there is none, whether the group exists at all). Members whose parent
     *     died are zombies until an init that may never reap them does, so "exists" is not enough.
     */
    public static boolean groupRuns(long pgid) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc.resolve("self"))) {
            return killGroup(pgid, "0");
        }
        try (Stream<Path> s = Files.list(proc)) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).anyMatch(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return Long.parseLong(f[2]) == pgid && !f[0].equals("Z") && !f[0].equals("X");
                } catch (IOException | RuntimeException e) {
                    return false; // gone meanwhile
                }
            });
        } catch (IOException e) {
            return killGroup(pgid, "0");
        }
    }

    /**
     * Sends {@code signal} ({@code TERM}, {@code KILL}, or {@code 0} to test) to process group {@code pgid}.
     *
     * @return true when the group exists (kill succeeded)
     */
    public static boolean killGroup(long pgid, String signal) {
        if (pgid <= 1) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Ends, when the JVM exits, every execution begun here and not ended. Idempotent.
     */
    public synchronized void installShutdownHook() {
        if (hook != null) {
            return;
        }
        hook = new Thread(this::endAll, "relay-end-executions");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Removes the hook (when the launcher closes normally). */
    public synchronized void removeShutdownHook() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is already exiting: the hook runs
        }
        hook = null;
    }

    /**
     * Ends every execution begun here (SIGTERM, 2 s grace, SIGKILL), for a graceful stop of this
     * JVM: from now on {@link #stopping()} is true, and the record of each process still running
     * first notes {@link #INTERRUPTED},
     * so that the attempt is run again after the restart even when this JVM exits before its
     * launcher got to it.
     */
    public void endAll() {
        stopping = true;
        List<Record> live = new ArrayList<>(mine);
        for (Record r : live) {
            if (r.processAlive()) { // one that ended already keeps what its launcher noted (e.g. StoreUnavailable)
                noteOutcome(r, INTERRUPTED, interruptedMessage());
            }
        }
        live.parallelStream().forEach(r -> end(r, 2000));
    }

    /** @return whether {@link #endAll} ran: this JVM is stopping, and ends or starts no more executions */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Notes that a graceful stop of this JVM ended an execution (or kept it from starting): its
     * record is written (made when there is none yet) with {@link #INTERRUPTED}. Best effort.
     *
     * @param r the execution's record, or null when it has none (it never started)
     */
    public void noteInterrupted(Record r, String runId, String task, int attempt) {
        try {
            Record rec = r != null ? r : reserve(runId, task, attempt);
            noteOutcome(rec, INTERRUPTED, interruptedMessage());
        } catch (IOException ignored) {
            // without a record the sweep writes the attempt Lost (and retries it while attempts remain)
        }
    }

    private static String interruptedMessage() {
        return "relay (pid " + Owner.self().pid() + ") was stopped while it ran";
    }

    /**
     * Creates {@code dir} and its parents like {@link Files#createDirectories}, again when another
     * attempt's {@link #pruneEmptyParents} removed a parent half-way (that prune runs concurrently,
     * also from another process on the same state dir).
     *
     * @throws IOException when the dir still cannot be made after a few tries
     */
    public static void createDirectories(Path dir) throws IOException {
        for (int i = 0; ; i++) {
            try {
                Files.createDirectories(dir);
                return;
            } catch (java.nio.file.NoSuchFileException e) {
                if (i >= 10) {
                    throw e;
                }
            }
        }
    }

    /**
     * Removes {@code dir} and its parents while they are empty, up to (not including) {@code top};
     * a dir being made meanwhile is made again by {@link #createDirectories}.
     */
    public static void pruneEmptyParents(Path dir, Path top) {
        Path d = dir;
        while (d != null && !d.equals(top) && d.startsWith(top)) {
            try {
                Files.delete(d);
            } catch (IOException e) {
                return; // not empty (another attempt's files), or gone
            }
            d = d.getParent();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // left for relay gc
        }
    }

    private static String findSetsid() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "setsid"))) {
                return Path.of(d, "setsid").toString();
            }
        }
        return null;
    }
}
