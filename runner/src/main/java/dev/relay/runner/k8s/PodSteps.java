package dev.relay.runner.k8s;

import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.executor.ExecutorException;
import dev.relay.runner.executor.ExecutorResult;
import dev.relay.runner.executor.ParameterType;
import dev.relay.runner.executor.PreparedExecution;
import dev.relay.runner.executor.V2Executor;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.ReadWait;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two steps Relay's own containers run in an execution's pod, around the user's command
 * (see {@link KubernetesJobLauncher} for the pod's layout). Both work on the shared directory
 * {@code dir} (the pod's {@code emptyDir}):
 * <pre>
 * dir/bin/relay-wrap.sh      the wrapper the user's container runs (written by fetch)
 * dir/inputs/&lt;i&gt;-&lt;name&gt;/data  inputPath files (fetch)
 * dir/outputs/&lt;i&gt;-&lt;name&gt;/  parents of outputPath files (created by fetch, world-writable)
 * dir/file-outputs.list      "staged TAB declared" per fileOutputs path the wrapper copies (fetch)
 * dir/started-at             when fetch began (RFC 3339)
 * dir/log.txt                the command's stdout+stderr (wrapper)
 * dir/exit-code              the command's exit code, written once it ended (wrapper)
 * dir/exec-not-found         present when argv[0] is not in the image (wrapper)
 * dir/published              "ok", or "failed: why", once status.json is written (publish)
 * </pre>
 * The containers may run as different users, so everything fetch creates is world-readable and
 * the directories the program writes into are world-writable.
 */
public final class PodSteps {
    /** The wrapper script, a resource next to this class. */
    public static final String WRAPPER = "relay-wrap.sh";
    private static final int PUBLISH_TRIES = 3;

    private final ArtifactStore store;
    private final Clock clock;

    /** @param store the Relay bucket (the plan's keys are in it) */
    public PodSteps(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A failure of the fetch step: the execution's status was written, the pod must stop. */
    public static final class FetchFailed extends Exception {
        /** @param message what could not be fetched */
        public FetchFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The fetch step (an init container): writes the wrapper, places every input, creates output
     * directories. When an input cannot be read it publishes the log and a Failed status.json
     * ({@code InputNotReadable}) and throws, so that the pod fails before the user's command runs.
     *
     * @throws FetchFailed after the failure was recorded in the bucket
     * @throws UncheckedIOException when {@code dir} itself cannot be written
     */
    public void fetch(PodPlan plan, Path dir) throws FetchFailed {
        Instant started = clock.instant();
        try {
            Files.createDirectories(dir.resolve("bin"));
            open(dir);
            writeString(dir.resolve("started-at"), Times.format(started) + "\n");
            try (InputStream in = PodSteps.class.getResourceAsStream(WRAPPER)) {
                if (in == null) {
                    throw new IllegalStateException("the resource " + WRAPPER + " is missing from the launcher's jar");
                }
                Files.write(dir.resolve("bin").resolve(WRAPPER), in.readAllBytes());
            }
            StringBuilder copies = new StringBuilder();
            for (PodPlan.Output o : plan.outputs()) {
                Path p = local(plan, dir, o.path());
                Path parent = p.getParent();
                Files.createDirectories(parent);
                openUpTo(parent, dir);
                if (o.copied()) {
                    copies.append(o.path()).append('\t').append(o.declaredPath()).append('\n');
                }
            }
            if (copies.length() > 0) {
                writeString(dir.resolve("file-outputs.list"), copies.toString());
            }
            if (plan.v2() != null) {
                // the subPath mounts of the user's container (KFP's /s3, /minio, /gcs, /tmp/kfp/outputs)
                for (String sub : PodPlanner.V2_MOUNTS.keySet()) {
                    Files.createDirectories(dir.resolve(sub));
                    open(dir.resolve(sub));
                }
                List<String> parents = new java.util.ArrayList<>();
                parents.add(plan.v2().executorOutputFile());
                plan.v2().parameters().forEach(p -> parents.add(p.file()));
                plan.v2().artifacts().forEach(a -> parents.add(a.path()));
                for (String f : parents) {
                    Path parent = local(plan, dir, f).getParent();
                    Files.createDirectories(parent);
                    openUpTo(parent, dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        StringBuilder log = new StringBuilder();
        for (PodPlan.Input in : plan.inputs()) {
            Path target = local(plan, dir, in.path());
            try {
                Files.createDirectories(target.getParent());
                openUpTo(target.getParent(), dir);
                if (in.uri() == null) {
                    writeString(target, in.text() == null ? "" : in.text());
                } else {
                    download(in, target);
                }
                log.append("relay: input '").append(in.name()).append("' → ").append(in.path()).append('\n');
            } catch (IOException | RuntimeException e) {
                String message = e instanceof InputUnreadable ? e.getMessage()
                        : "input not readable: " + (in.uri() == null ? in.name() : in.uri()) + " (" + e.getMessage() + ")";
                log.append("relay: ").append(message).append('\n');
                store.put(RunLayout.attemptLog(plan.runId(), plan.task(), plan.attempt()), log.toString().getBytes(StandardCharsets.UTF_8));
                AttemptStatus s = new AttemptStatus(plan.runId(), plan.task(), plan.attempt(), ExecutionPhase.Failed, null,
                        AttemptStatus.INPUT_NOT_READABLE, message, Times.format(started), Times.format(clock.instant()), Map.of());
                store.put(RunLayout.attemptStatus(plan.runId(), plan.task(), plan.attempt()), Json.bytes(s));
                throw new FetchFailed(message);
            }
        }
        if (plan.backoffSeconds() > 0) {
            // the retry backoff: served here, before the user's command can start
            try {
                Thread.sleep(plan.backoffSeconds() * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until the wrapper wrote a complete {@code exit-code} file.
     *
     * @return the exit code, or empty when {@code timeout} passed first
     */
    public static Optional<Integer> awaitExitCode(Path dir, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path f = dir.resolve("exit-code");
        while (true) {
            Optional<Integer> code = readExitCode(f);
            if (code.isPresent() || System.nanoTime() > deadline) {
                return code;
            }
            Thread.sleep(200);
        }
    }

    private static Optional<Integer> readExitCode(Path f) {
        try {
            String s = Files.readString(f, StandardCharsets.UTF_8);
            if (s.matches("-?[0-9]{1,9}\n")) {
                return Optional.of(Integer.parseInt(s.trim()));
            }
        } catch (IOException e) {
            // not there yet
        }
        return Optional.empty();
    }

    /**
     * The publish step, run once the wrapper wrote {@code exit-code}: on exit code 0 checks every
     * non-optional output exists ({@code OutputMissing} otherwise) and uploads the outputs; then
     * the log; then, last, {@code status.json}; then writes {@code dir/published}. Store errors
     * are retried; after the last try {@code published} says {@code failed: ...}.
     *
     * @param exitCode what {@code dir/exit-code} holds
     * @return the status written, or empty when it could not be written
     */
    public Optional<AttemptStatus> publish(PodPlan plan, Path dir, int exitCode) {
        String failure = null;
        for (int i = 1; i <= PUBLISH_TRIES; i++) {
            try {
                AttemptStatus s = publishOnce(plan, dir, exitCode);
                writeQuietly(dir.resolve("published"), "ok\n");
                return Optional.of(s);
            } catch (IOException | RuntimeException e) {
                failure = e.getMessage();
                System.err.println("relay: publishing " + plan.runId() + "/" + plan.task() + "/" + plan.attempt()
                        + " failed (try " + i + " of " + PUBLISH_TRIES + "): " + failure);
                try {
                    Thread.sleep(1000L * i);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        writeQuietly(dir.resolve("published"), "failed: " + String.valueOf(failure).replace('\n', ' ') + "\n");
        return Optional.empty();
    }

    private AttemptStatus publishOnce(PodPlan plan, Path dir, int exitCode) throws IOException {
        String startedAt = startedAt(dir);
        AttemptStatus status;
        if (Files.exists(dir.resolve("exec-not-found"))) {
            status = failed(plan, startedAt, exitCode, AttemptStatus.EXECUTABLE_NOT_FOUND, lastLine(dir));
        } else if (exitCode != 0) {
            status = failed(plan, startedAt, exitCode, AttemptStatus.ERROR, "exit code " + exitCode);
        } else if (plan.v2() != null) {
            status = publishV2(plan, dir, startedAt);
        } else {
            String missing = null;
            for (PodPlan.Output o : plan.outputs()) {
                if (!o.optional() && !Files.exists(local(plan, dir, o.path()))) {
                    missing = "output '" + o.name() + "' was not written to " + o.declaredPath();
                    break;
                }
            }
            if (missing != null) {
                appendQuietly(dir.resolve("log.txt"), "relay: " + missing + "\n");
                status = failed(plan, startedAt, exitCode, AttemptStatus.OUTPUT_MISSING, missing);
            } else {
                Map<String, AttemptStatus.OutputRef> published = new LinkedHashMap<>();
                for (PodPlan.Output o : plan.outputs()) {
                    Path p = local(plan, dir, o.path());
                    if (Files.exists(p)) {
                        published.put(o.name(), upload(o.key(), p));
                    }
                }
                status = new AttemptStatus(plan.runId(), plan.task(), plan.attempt(), ExecutionPhase.Succeeded, 0, null, null,
                        startedAt, Times.format(clock.instant()), published);
            }
        }
        Path log = dir.resolve("log.txt");
        String logKey = RunLayout.attemptLog(plan.runId(), plan.task(), plan.attempt());
        if (Files.exists(log)) {
            store.putFile(logKey, log);
        } else {
            store.put(logKey, new byte[0]);
        }
        store.put(RunLayout.attemptStatus(plan.runId(), plan.task(), plan.attempt()), Json.bytes(status));
        return status;
    }

    /** A KFP v2 execution that ended with exit code 0: {@link V2Executor#collect} on the shared dir, then its artifacts uploaded. */
    private AttemptStatus publishV2(PodPlan plan, Path dir, String startedAt) throws IOException {
        Map<String, ParameterType> types = new LinkedHashMap<>();
        Map<String, String> files = new LinkedHashMap<>();
        for (PodPlan.Parameter p : plan.v2().parameters()) {
            types.put(p.name(), p.type());
            files.put(p.name(), local(plan, dir, p.file()).toString());
        }
        List<PreparedExecution.OutputArtifact> arts = new java.util.ArrayList<>();
        for (PodPlan.Artifact a : plan.v2().artifacts()) {
            arts.add(new PreparedExecution.OutputArtifact(a.name(), a.type(), local(plan, dir, a.path()).toString(), null, a.key()));
        }
        ExecutorResult result;
        try {
            result = V2Executor.collect(types, files, arts, local(plan, dir, plan.v2().executorOutputFile()).toString());
        } catch (ExecutorException e) {
            appendQuietly(dir.resolve("log.txt"), "relay: " + e.getMessage() + "\n");
            return failed(plan, startedAt, 0, e.reason(), e.getMessage());
        }
        Map<String, AttemptStatus.OutputRef> published = dev.relay.runner.launch.Outputs.v2(result, this::upload);
        return new AttemptStatus(plan.runId(), plan.task(), plan.attempt(), ExecutionPhase.Succeeded, 0, null, null,
                startedAt, Times.format(clock.instant()), published, result.parameters());
    }

    private AttemptStatus failed(PodPlan plan, String startedAt, Integer exitCode, String reason, String message) {
        return new AttemptStatus(plan.runId(), plan.task(), plan.attempt(), ExecutionPhase.Failed, exitCode, reason, message,
                startedAt, Times.format(clock.instant()), Map.of());
    }

    private AttemptStatus.OutputRef upload(String key, Path p) throws IOException {
        return dev.relay.runner.launch.Outputs.publish(store, key, p);
    }

    /** Fetches one input artifact as a local execution does ({@link dev.relay.runner.launch.Inputs#fetch}). */
    private void download(PodPlan.Input in, Path target) {
        try {
            dev.relay.runner.launch.Inputs.fetch(store, in.uri(), in.name(), target, ReadWait.DEFAULT);
        } catch (dev.relay.runner.launch.CommandStep.StepException e) {
            throw new InputUnreadable(e.getMessage());
        }
    }

    /** Maps a pod path (under {@code plan.dir()}) into {@code dir}. */
    private static Path local(PodPlan plan, Path dir, String podPath) {
        String root = plan.dir();
        if (!podPath.startsWith(root + "/")) {
            throw new IllegalArgumentException(podPath + " is not under " + root);
        }
        Path p = dir.resolve(podPath.substring(root.length() + 1)).normalize();
        if (!p.startsWith(dir)) {
            throw new IllegalArgumentException(podPath + " leaves " + root);
        }
        return p;
    }

    private static String startedAt(Path dir) {
        try {
            String s = Files.readString(dir.resolve("started-at")).trim();
            Times.parse(s);
            return s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String lastLine(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("log.txt"));
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("relay: ")) {
                    return lines.get(i).substring("relay: ".length());
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "executable not found";
    }

    private static void writeString(Path p, String s) throws IOException {
        Files.writeString(p, s, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to open up
        }
    }

    private static void writeQuietly(Path p, String s) {
        try {
            Files.writeString(p, s, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("relay: cannot write " + p + ": " + e.getMessage());
        }
    }

    private static void appendQuietly(Path p, String s) {
        try {
            Files.writeString(p, s, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the status carries the message
        }
    }

    /** Makes {@code d} and its parents up to {@code root} world-writable (the user's container may run as anyone). */
    private static void openUpTo(Path d, Path root) throws IOException {
        for (Path p = d; p != null && p.startsWith(root); p = p.getParent()) {
            open(p);
            if (p.equals(root)) {
                break;
            }
        }
    }

    private static void open(Path d) throws IOException {
        try {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }


    /** An input that is not in the bucket. */
    private static final class InputUnreadable extends RuntimeException {
        InputUnreadable(String message) {
            super(message, null, false, false);
        }
    }
}
