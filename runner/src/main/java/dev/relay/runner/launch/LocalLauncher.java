package dev.relay.runner.launch;

import dev.relay.runner.argo.ArgoPodFields;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.executor.ExecutorException;
import dev.relay.runner.executor.ExecutorLayout;
import dev.relay.runner.executor.ExecutorResult;
import dev.relay.runner.executor.ExecutorSpec;
import dev.relay.runner.executor.ExecutorTask;
import dev.relay.runner.executor.PreparedExecution;
import dev.relay.runner.executor.PythonEnvCache;
import dev.relay.runner.executor.V2Executor;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.ResolvedCommand;
import dev.relay.runner.recovery.Generations;
import dev.relay.runner.recovery.LocalExecutions;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.ReadWait;
import dev.relay.runner.store.StoreRetry;
import dev.relay.runner.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs each execution as a local process: the embedded default's stand-in for a Kubernetes Job,
 * doing the same fetch → run → publish steps.
 *
 * <p>For each execution: a private work dir {@code <stateDir>/work/<run>/<task>/<attempt>/}; the
 * {@code inputPath} inputs downloaded (or written from their text) into it; parent dirs of every
 * output path created; the argv resolved by the spec layer run directly (no shell) with the
 * component's env; stdout and stderr captured to the attempt's {@code log.txt} and streamed to a
 * {@link LaunchListener}; on exit 0 every declared output (file or directory) published; then,
 * last, {@code status.json}. Executions run in parallel on a pool bounded by the cores.
 */
public final class LocalLauncher implements Launcher {
    private static final int LOG_TAIL_LINES = 20;

    private final ArtifactStore store;
    private final Path workRoot;
    private final LaunchListener listener;
    private final Clock clock;
    private final ExecutorService pool;
    private final Set<String> launched = ConcurrentHashMap.newKeySet();
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    /**
     * Runs a cancel reached in this process: a hint only, confirmed from the bucket (the run's
     * current generation ended Canceled), since a retry of the run starts a new generation whose
     * launches must run.
     */
    private final Set<String> canceledRuns = ConcurrentHashMap.newKeySet();
    /** Executions launched (queued or running) when a cancel of their run came: they never run. */
    private final Set<String> canceledExecutions = ConcurrentHashMap.newKeySet();
    private final LocalExecutions executions;
    private final Map<String, LocalExecutions.Record> records = new ConcurrentHashMap<>();
    private final Generations generations;
    private final PythonEnvCache pythonEnvs;
    private static final java.util.concurrent.ScheduledExecutorService BACKOFF =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "relay-backoff");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param workRoot where work dirs go ({@code <stateDir>/work})
     * @param parallelism how many executions run at once, &ge; 1
     */
    public LocalLauncher(ArtifactStore store, Path workRoot, LaunchListener listener, int parallelism, Clock clock) {
        this(store, workRoot, listener, parallelism, clock, null);
    }

    /**
     * @param executions where each execution's process group is recorded (so that it is ended
     *     with this JVM, or found after a crash), or null to keep no records
     */
    public LocalLauncher(ArtifactStore store, Path workRoot, LaunchListener listener, int parallelism, Clock clock,
                         LocalExecutions executions) {
        this.executions = executions;
        this.generations = new Generations(store, clock);
        if (executions != null) {
            executions.installShutdownHook();
        }
        this.store = store;
        this.workRoot = workRoot.toAbsolutePath().normalize();
        this.pythonEnvs = new PythonEnvCache(this.workRoot.resolveSibling("python-envs"));
        this.listener = listener;
        this.clock = clock;
        this.pool = Executors.newFixedThreadPool(Math.max(1, parallelism), r -> {
            Thread t = new Thread(r, "relay-exec");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean launch(ExecutionRequest request) {
        if (!launched.add(request.executionId())) {
            return false;
        }
        long wait = request.backoff().toMillis();
        if (wait > 0) {
            // the retry's backoff: served here, before the command starts; nothing runs meanwhile
            BACKOFF.schedule(() -> pool.execute(() -> execute(request)), wait, TimeUnit.MILLISECONDS);
        } else {
            pool.execute(() -> execute(request));
        }
        return true;
    }

    /**
     * Ends the run's running processes (and their descendants: SIGTERM, then SIGKILL after 5 s);
     * executions of the run not started yet end before their process starts. Each still writes
     * its Failed {@code status.json} (message {@code canceled}).
     */
    @Override
    public int cancel(String runId) {
        canceledRuns.add(runId);
        int n = 0;
        String prefix = runId + "/";
        for (String id : launched) {
            if (id.startsWith(prefix)) {
                canceledExecutions.add(id);
            }
        }
        for (Map.Entry<String, Process> e : running.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                end(e.getValue());
                n++;
            }
        }
        return n;
    }

    /** Ends a process and its descendants: SIGTERM (to its group where it has one), SIGKILL after 5 s. */
    private void end(Process p) {
        if (executions != null && LocalExecutions.groupsAvailable()) {
            LocalExecutions.killGroup(p.pid(), "TERM");
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        pool.execute(() -> {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    if (executions != null && LocalExecutions.groupsAvailable()) {
                        LocalExecutions.killGroup(p.pid(), "KILL");
                    }
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** @return the work dirs' growing {@code log.txt} */
    @Override
    public LiveLog liveLog() {
        return LiveLog.workDirs(workRoot);
    }

    /**
     * Stops: launches not started yet never start, running processes are ended
     * ({@link LocalExecutions#endAll}), and each of their executions is left without a status, its
     * record noting {@link LocalExecutions#INTERRUPTED} (so the next start's sweep runs it again);
     * waits up to 5 s for that. The JVM's shutdown hook does the same on SIGTERM.
     */
    @Override
    public void close() {
        if (executions != null) {
            executions.endAll();
            executions.removeShutdownHook();
            pool.shutdown(); // queued executions only note that they were interrupted
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one execution to its end, always writing its status: the log and the status are
     * written with {@link StoreRetry}'s bounded retries; when the store cannot take them the
     * outcome is noted in the execution's local record (for the sweep to publish later) and the
     * listener hears {@link LaunchListener#storeUnavailable}. The work dir is removed once a
     * succeeded attempt's status is published, and kept otherwise (for inspection; {@code relay gc}).
     */
    void execute(ExecutionRequest r) {
        if (stopping()) {
            interrupted(r);
            return;
        }
        Instant started = clock.instant();
        Path work = workDir(r);
        Path logFile = work.resolve("log.txt");
        AttemptStatus status;
        try {
            deleteRecursively(work);
            LocalExecutions.createDirectories(work); // a finished sibling may be pruning the run's dir

            status = r.isV2() ? runV2(r, work, logFile, started) : run(r, work, logFile, started);
        } catch (Stopped s) {
            appendLog(logFile, "relay: stopped while it ran; the attempt runs again when relay starts again (or on 'relay run --resume')");
            interrupted(r);
            return;
        } catch (Failure f) {
            appendLog(logFile, "relay: " + f.getMessage());
            status = failed(r, started, f.reason, f.getMessage(), f.exitCode);
        } catch (StoreUnavailableException e) {
            appendLog(logFile, "relay: " + e.getMessage());
            status = failed(r, started, AttemptStatus.STORE_UNAVAILABLE, e.getMessage(), null);
        } catch (RuntimeException | IOException e) {
            String why = dev.relay.eventing.input.ErrorText.of(e);
            appendLog(logFile, "relay: launch failed: " + why);
            status = failed(r, started, AttemptStatus.LAUNCH_FAILED, "launch failed: " + why, null);
        }
        LocalExecutions.Record record = records.remove(r.executionId());
        String logKey = RunLayout.attemptLog(r.runId(), r.task(), r.attempt());
        String statusKey = RunLayout.attemptStatus(r.runId(), r.task(), r.attempt());
        try {
            if (Files.exists(logFile)) {
                StoreRetry.run(logKey, () -> store.putFile(logKey, logFile));
            } else {
                StoreRetry.run(logKey, () -> store.put(logKey, new byte[0]));
            }
            AttemptStatus written = status;
            StoreRetry.run(statusKey, () -> store.put(statusKey, Json.bytes(written)));
        } catch (StoreUnavailableException e) {
            if (record != null) {
                executions.noteOutcome(record, AttemptStatus.STORE_UNAVAILABLE, e.getMessage());
            }
            listener.storeUnavailable(r, e.getMessage());
            return;
        }
        if (record != null) {
            executions.end(record);
        }
        if (status.phase() == ExecutionPhase.Succeeded) {
            try {
                deleteRecursively(work);
                LocalExecutions.pruneEmptyParents(work.getParent(), workRoot);
            } catch (IOException e) {
                System.err.println("relay: cannot remove the work dir " + work + ": " + e.getMessage());
            }
        }
    }

    /** @return whether this JVM is stopping gracefully (its executions are being ended: {@link LocalExecutions#endAll}) */
    private boolean stopping() {
        return executions != null && executions.stopping();
    }

    /**
     * Leaves an execution that the JVM's stop ended (or kept from starting) without a status: its
     * local record notes {@link LocalExecutions#INTERRUPTED}, so the sweep of the next start writes
     * the attempt {@code Lost} and runs it again, instead of the stop's kill becoming its failure.
     */
    private void interrupted(ExecutionRequest r) {
        executions.noteInterrupted(records.remove(r.executionId()), r.runId(), r.task(), r.attempt());
    }

    /** @return the work dir of an execution: {@code <workRoot>/<run>/<task path>/<attempt>} */
    public Path workDir(ExecutionRequest r) {
        return workRoot.resolve(r.runId()).resolve(r.task()).resolve(Integer.toString(r.attempt()));
    }

    private AttemptStatus run(ExecutionRequest r, Path work, Path logFile, Instant started) throws IOException {
        ComponentSpec c = r.component();
        CommandStep.V1 step;
        try {
            step = CommandStep.resolve(r, work.toString(), store);
        } catch (CommandStep.StepException e) {
            throw new Failure(e.reason(), e.getMessage(), null);
        }
        ResolvedCommand cmd = step.command();
        for (CommandStep.Input in : step.inputs()) {
            placeInput(in, Path.of(in.path()));
        }
        Map<String, Path> written = new LinkedHashMap<>();
        List<Path> absolute = new ArrayList<>();
        for (CommandStep.Output o : step.outputs()) {
            Path p = Path.of(o.path());
            if (p.startsWith(work)) {
                Files.createDirectories(p.getParent());
                written.put(o.name(), p);
            } else {
                absolute.add(p);
            }
        }
        List<String> argv = cmd.argv();
        if (!absolute.isEmpty()) {
            Optional<String> why = MountNamespace.unavailableReason();
            if (why.isPresent()) {
                throw new Failure(AttemptStatus.LAUNCH_FAILED, "component '" + c.name() + "' writes to the absolute path "
                        + absolute.get(0) + " (fileOutputs); running it locally needs a private mount namespace so that "
                        + "executions neither collide nor touch the host's /, and this machine does not allow one: " + why.get(), null);
            }
            if (!onPath(argv.get(0), cmd.env())) {
                throw new Failure(AttemptStatus.EXECUTABLE_NOT_FOUND, "executable not found: " + argv.get(0), null);
            }
            Path root = work.resolve(".root");
            argv = MountNamespace.wrap(argv, work, root, absolute);
            for (Map.Entry<String, String> e : cmd.outputPaths().entrySet()) {
                Path p = Path.of(e.getValue());
                if (!p.startsWith(work)) {
                    written.put(e.getKey(), MountNamespace.hostPath(root, p));
                }
            }
        }
        Map<String, String> env = cmd.env();
        String pod = r.annotations() == null ? null : r.annotations().get(ArgoPodFields.ANNOTATION);
        if (pod != null) {
            // an Argo template's fieldRef env (KFP's KFP_POD_NAME, KFP_RUN_ID...): this process's values
            env = new LinkedHashMap<>(env);
            env.putAll(ArgoPodFields.hostFieldValues(pod, r.runId(), r.task(), r.attempt()));
        }
        runProcess(r, argv, env, work, logFile);
        Map<String, AttemptStatus.OutputRef> published = new LinkedHashMap<>();
        for (CommandStep.Output o : step.outputs()) {
            // KFP marks UI metadata and metrics as optional artifacts: a missing one is no error
            if (!Files.exists(written.get(o.name())) && !o.optional()) {
                throw new Failure(AttemptStatus.OUTPUT_MISSING, "output '" + o.name() + "' was not written to " + o.path(), 0);
            }
        }
        for (CommandStep.Output o : step.outputs()) {
            Path p = written.get(o.name());
            if (Files.exists(p)) {
                published.put(o.name(), publish(o.key(), p));
            }
        }
        return new AttemptStatus(r.runId(), r.task(), r.attempt(), ExecutionPhase.Succeeded, 0, null, null,
                Times.format(started), Times.format(clock.instant()), published);
    }


    /**
     * Runs a KFP v2 execution through the executor contract ({@link V2Executor}): the executor input
     * with local-path URIs inside the work dir (as {@code kfp.local} does), input artifacts fetched,
     * the argv run unchanged (a lightweight Python component with its cached virtualenv first on
     * {@code PATH}), then output parameters and {@code executor_output.json} read and the output
     * artifacts published with their type and metadata.
     */
    private AttemptStatus runV2(ExecutionRequest r, Path work, Path logFile, Instant started) throws IOException {
        ExecutorTask t = r.v2();
        if (t.executor() instanceof ExecutorSpec.Importer) {
            AttemptStatus s = Importer.run(t, store, clock);
            if (s.phase() != ExecutionPhase.Succeeded) {
                throw new Failure(s.reason(), s.message(), null);
            }
            Files.writeString(logFile, "relay: imported " + s.outputs().get(Importer.OUTPUT).uri() + "\n");
            return s;
        }
        List<String> unsupported = t.platform().unsupportedLocally();
        if (!unsupported.isEmpty()) {
            throw new Failure(AttemptStatus.LAUNCH_FAILED, "task '" + t.id().taskName() + "' needs Kubernetes platform"
                    + " features a local process cannot give: " + String.join(", ", unsupported)
                    + " (run it on a cluster: relay deploy)", null);
        }
        PreparedExecution p;
        try {
            p = CommandStep.prepare(r, new ExecutorLayout.Local(store.bucket(), work));
        } catch (CommandStep.StepException e) {
            throw new Failure(e.reason(), e.getMessage(), null);
        }
        for (PreparedExecution.Download d : p.downloads()) {
            fetch(d.storeUri(), Path.of(d.path()), d.input());
        }
        for (PreparedExecution.OutputArtifact a : p.outputArtifacts().values()) {
            if (a.path() != null) {
                Files.createDirectories(Path.of(a.path()).getParent());
            }
        }
        for (String f : p.outputParameters().values()) {
            Files.createDirectories(Path.of(f).getParent());
        }
        Files.createDirectories(Path.of(p.executorOutputFile()).getParent());
        Map<String, String> env = new LinkedHashMap<>(p.env());
        Optional<List<List<String>>> installs = PythonEnvCache.pipInstalls(p.argv());
        if (installs.isPresent()) {
            Map<String, String> pipEnv = new LinkedHashMap<>(System.getenv());
            pipEnv.putAll(env);
            Path venv;
            try {
                venv = pythonEnvs.ensure(installs.get(), pipEnv, line -> listener.line(r, "[python env] " + line));
            } catch (ExecutorException e) {
                throw new Failure(e.reason(), e.getMessage(), null);
            }
            env = PythonEnvCache.activate(venv, env);
        }
        runProcess(r, p.argv(), env, work, logFile);
        ExecutorResult result;
        try {
            result = V2Executor.collect(p);
        } catch (ExecutorException e) {
            throw new Failure(e.reason(), e.getMessage(), 0);
        }
        Map<String, AttemptStatus.OutputRef> published = Outputs.v2(result, this::publish);
        return new AttemptStatus(r.runId(), r.task(), r.attempt(), ExecutionPhase.Succeeded, 0, null, null,
                Times.format(started), Times.format(clock.instant()), published, result.parameters());
    }

    /**
     * Fetches an input artifact to {@code target} ({@link Inputs#fetch}), waiting for it to become
     * readable ({@link ReadWait#DEFAULT}).
     */
    private void fetch(String uri, Path target, String input) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Inputs.fetch(store, uri, input, target, ReadWait.DEFAULT);
        } catch (CommandStep.StepException e) {
            throw new Failure(e.reason(), e.getMessage(), null);
        }
    }

    /**
     * Runs {@code argv} in {@code work} with {@code env} added to the launcher's environment, its
     * output captured to {@code logFile} and streamed to the listener.
     *
     * @throws Failure when it cannot start, was canceled, or exited non-zero
     */
    private void runProcess(ExecutionRequest r, List<String> argv, Map<String, String> env, Path work, Path logFile)
            throws IOException {
        boolean group = executions != null && LocalExecutions.groupsAvailable();
        if (group) {
            // setsid execs the command itself: a missing executable must be found missing here
            String exe = argv.get(0);
            String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            boolean found = exe.contains("/") ? Files.isExecutable(work.resolve(exe)) : onPath(exe, Map.of("PATH", path));
            if (!found) {
                throw new Failure(AttemptStatus.EXECUTABLE_NOT_FOUND, "executable not found: " + exe, null);
            }
        }
        // its own session and process group: ended as a whole by a cancel, the JVM's exit or the sweep
        ProcessBuilder pb = new ProcessBuilder(executions != null ? LocalExecutions.wrap(argv) : argv)
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process;
        if (canceled(r, true)) {
            throw new Failure(AttemptStatus.CANCELED, "canceled before it started", null);
        }
        if (stopping()) {
            throw new Stopped();
        }
        // the record's blocks are taken before the command runs: one that fills the disk at once
        // must not keep the outcome of its attempt from being noted
        LocalExecutions.Record reserved = null;
        if (executions != null) {
            try {
                reserved = executions.reserve(r.runId(), r.task(), r.attempt());
            } catch (IOException e) {
                System.err.println("relay: cannot record the process of " + r.executionId() + ": " + e.getMessage());
            }
        }
        try {
            process = pb.start();
            running.put(r.executionId(), process);
            if (executions != null) {
                try {
                    // also without a record on disk: begin makes the JVM's exit end the process group
                    records.put(r.executionId(), executions.begin(r.runId(), r.task(), r.attempt(), process));
                } catch (IOException e) {
                    if (reserved != null) { // else said above
                        System.err.println("relay: cannot record the process of " + r.executionId() + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            if (reserved != null) {
                executions.end(reserved);
            }
            String exe = argv.get(0);
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("error=2,") || msg.contains("No such file")) {
                throw new Failure(AttemptStatus.EXECUTABLE_NOT_FOUND, "executable not found: " + exe, null);
            }
            throw new Failure(AttemptStatus.LAUNCH_FAILED, "cannot start " + exe + ": " + msg, null);
        }
        // A cancel that came while the process started found it neither queued nor running (the
        // check above was before it): ended now. So is one of another process on this machine, seen
        // in the bucket: that cancel wrote its generation before it looked for recorded processes,
        // and this one was recorded before this look, so one of the two ends it.
        boolean canceledAtStart = canceled(r, false);
        if (canceledAtStart || stopping()) {
            end(process); // a stop that began as it started did not see it among the executions to end
        }
        // the task's timeout or the run's deadline, whichever is first: the process is ended there
        AttemptDeadline due;
        try {
            due = AttemptDeadline.of(r.annotations() == null ? Map.of() : r.annotations(), clock.instant());
        } catch (IllegalArgumentException e) {
            end(process);
            throw new Failure(AttemptStatus.LAUNCH_FAILED, e.getMessage(), null);
        }
        java.util.concurrent.atomic.AtomicBoolean overdue = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> watch = due == null ? null : BACKOFF.schedule(() -> {
            overdue.set(true);
            end(process);
        }, due.left(clock.instant()).toMillis(), TimeUnit.MILLISECONDS);
        listener.started(r);
        process.getOutputStream().close();
        try (OutputStream log = Files.newOutputStream(logFile); InputStream out = process.getInputStream()) {
            copyLog(out, log, line -> listener.line(r, line));
        } catch (IOException e) {
            // a cancel's destroy() closes the process's output under the reader ("Stream closed"):
            // the exit code below tells the cancel apart from a log that could not be written
            if (!canceledAtStart && !canceledRuns.contains(r.runId()) && !stopping()) {
                throw e;
            }
        }
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            if (stopping()) {
                throw new Stopped();
            }
            throw new Failure(AttemptStatus.ERROR, "interrupted", null);
        } finally {
            running.remove(r.executionId());
            if (watch != null) {
                watch.cancel(false);
            }
        }
        if (exit != 0 && stopping()) {
            throw new Stopped(); // ended by the JVM's stop, not by its own failure
        }
        if (overdue.get()) {
            throw new Failure(AttemptStatus.DEADLINE_EXCEEDED, "ended at " + due.why() + " (exit code " + exit + ")", exit);
        }
        if (exit != 0 && canceled(r, false)) {
            throw new Failure(AttemptStatus.CANCELED, "canceled (exit code " + exit + ")", exit);
        }
        if (exit != 0) {
            throw new Failure(AttemptStatus.ERROR, "exit code " + exit, exit);
        }
    }

    /** Publishes an output with {@link StoreRetry}'s bounded retries ({@link StoreUnavailableException} after them). */
    private AttemptStatus.OutputRef publish(String key, Path p) throws IOException {
        try {
            return StoreRetry.call(key, () -> {
                try {
                    return Outputs.publish(store, key, p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Whether execution {@code r} was canceled: it was launched when a cancel of its run reached
     * this launcher, or the run's current generation ended Canceled (a cancel from this or another
     * process). A retry of a canceled run starts a new generation: its new attempts are not canceled.
     *
     * @param hinted only read the bucket when a cancel of the run reached this launcher (before a
     *     process starts, to spare a read per launch)
     */
    private boolean canceled(ExecutionRequest r, boolean hinted) {
        if (canceledExecutions.contains(r.executionId())) {
            return true;
        }
        return (!hinted || canceledRuns.contains(r.runId())) && canceledElsewhere(r.runId());
    }

    /**
     * @return whether the run's current generation was ended by a cancel (possibly from another
     *     process), or is a cancel's whose status is still to come
     */
    private boolean canceledElsewhere(String runId) {
        try {
            Generations.Generation g = generations.current(runId);
            Optional<dev.relay.runner.contract.RunStatus> s = generations.status(g);
            return s.map(st -> st.phase() == dev.relay.runner.engine.Phase.Canceled).orElse(g.isCancel());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Places one {@code inputPath} file: its object downloaded, or its text written. */
    private void placeInput(CommandStep.Input in, Path target) throws IOException {
        if (in.uri() == null) {
            Files.createDirectories(target.getParent());
            Files.writeString(target, in.text(), StandardCharsets.UTF_8);
        } else {
            fetch(in.uri(), target, in.name());
        }
    }

    private AttemptStatus failed(ExecutionRequest r, Instant started, String reason, String message, Integer exitCode) {
        return new AttemptStatus(r.runId(), r.task(), r.attempt(), ExecutionPhase.Failed, exitCode, reason, message,
                Times.format(started), Times.format(clock.instant()), Map.of());
    }

    /** @return whether {@code exe} names an executable file, directly or through {@code PATH} */
    private static boolean onPath(String exe, Map<String, String> env) {
        if (exe.contains("/")) {
            return Files.isExecutable(Path.of(exe));
        }
        String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies what the process writes to the log byte for byte, and hands each line, decoded as
     * UTF-8 for display only (malformed bytes shown as U+FFFD, a final {@code \r} dropped), to
     * {@code lines}; an unterminated last line is handed over too.
     */
    static void copyLog(InputStream from, OutputStream log, java.util.function.Consumer<String> lines) throws IOException {
        byte[] buf = new byte[8192];
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int n;
        while ((n = from.read(buf)) >= 0) {
            log.write(buf, 0, n);
            log.flush();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, start, i - start);
                    lines.accept(display(line));
                    line.reset();
                    start = i + 1;
                }
            }
            line.write(buf, start, n - start);
        }
        if (line.size() > 0) {
            lines.accept(display(line));
        }
    }

    private static String display(java.io.ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** @return the last {@code n} lines of a log (for failure messages) */
    public static List<String> tail(String log, int n) {
        Deque<String> lines = new ArrayDeque<>();
        for (String l : log.split("\n", -1)) {
            lines.add(l);
            if (lines.size() > n + 1) {
                lines.removeFirst();
            }
        }
        if (!lines.isEmpty() && lines.peekLast().isEmpty()) {
            lines.removeLast();
        }
        while (lines.size() > n) {
            lines.removeFirst();
        }
        return List.copyOf(lines);
    }

    /** Default number of log lines shown when a task fails. */
    public static int tailLines() {
        return LOG_TAIL_LINES;
    }

    private static void appendLog(Path logFile, String line) {
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the status still carries the message
        }
    }


    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A failure with its docs/contracts.md reason. */
    /** The JVM is stopping: the execution was ended by the stop (or never started), and writes no status. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    static final class Failure extends RuntimeException {
        final String reason;
        final Integer exitCode;

        Failure(String reason, String message, Integer exitCode) {
            super(message, null, false, false);
            this.reason = reason;
            this.exitCode = exitCode;
        }
    }
}
