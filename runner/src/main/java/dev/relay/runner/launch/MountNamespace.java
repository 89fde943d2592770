package dev.relay.runner.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gives one local execution its own view of absolute paths, so that components whose
 * {@code fileOutputs} write to {@code /mlpipeline-metrics.json}, {@code /output.txt} or
 * {@code /tmp/outputs/x/data} neither collide with each other nor touch the host's {@code /}.
 *
 * <p>The process runs in a private mount namespace ({@code unshare -m}) under {@code chroot} into
 * a copy-on-write overlay of the host's root file system: reads see the host (its {@code python3},
 * {@code sh}, libraries), writes land in {@code <root>/upper}. {@code /proc}, {@code /dev},
 * {@code /sys} and the execution's work dir are bind-mounted through, so the work dir's inputs and
 * outputs stay where the launcher reads them. That needs root and util-linux's {@code unshare}.
 *
 * <p>Without root, the process runs rootless in a user namespace too ({@code unshare -Urm}, where
 * overlayfs over {@code /} is not allowed): its root is a plain directory ({@code <root>/upper})
 * holding bind mounts of the host's top-level directories except {@code /tmp}, which is its own,
 * so files it writes at {@code /x} or under {@code /tmp} land in {@code <root>/upper}, while the
 * host's files stay the host user's (writing them fails as it would outside). System property
 * {@code relay.isolation=rootless} picks this mode as root too (tests).
 * {@link #unavailableReason()} says why neither works where the machine does not allow it.
 */
final class MountNamespace {
    private static final String SCRIPT = String.join("\n",
            "set -e",
            "m=\"$1\"; u=\"$2\"; o=\"$3\"; wd=\"$4\"; shift 4",
            "mount -t overlay relay-root -o \"lowerdir=/,upperdir=$u,workdir=$o\" \"$m\"",
            "for d in /proc /dev /sys; do if [ -d \"$d\" ]; then mount --rbind \"$d\" \"$m$d\"; fi; done",
            "mkdir -p \"$m$wd\"",
            "mount --bind \"$wd\" \"$m$wd\"",
            "exec chroot \"$m\" /bin/sh -c 'cd \"$1\" && shift && exec \"$@\"' relay-exec \"$wd\" \"$@\"");

    /** The rootless form: {@code $1} the new root (a directory), {@code $2} the work dir, then argv. */
    private static final String ROOTLESS = String.join("\n",
            "set -e",
            "m=\"$1\"; wd=\"$2\"; shift 2",
            "for e in /*; do",
            "  n=\"${e#/}\"",
            "  case \"$n\" in tmp|proc|dev|sys|'*') continue;; esac",
            "  if [ -L \"$e\" ]; then ln -sfn \"$(readlink \"$e\")\" \"$m/$n\"",
            "  elif [ -d \"$e\" ]; then mkdir -p \"$m/$n\"; mount --rbind \"$e\" \"$m/$n\"",
            "  elif [ -f \"$e\" ]; then : > \"$m/$n\"; mount --bind \"$e\" \"$m/$n\"; fi",
            "done",
            "mkdir -p \"$m/tmp\"; chmod 1777 \"$m/tmp\" 2>/dev/null || true",
            "for d in /proc /dev /sys; do if [ -d \"$d\" ]; then mkdir -p \"$m$d\"; mount --rbind \"$d\" \"$m$d\"; fi; done",
            "mkdir -p \"$m$wd\"",
            "mount --bind \"$wd\" \"$m$wd\"",
            "exec chroot \"$m\" /bin/sh -c 'cd \"$1\" && shift && exec \"$@\"' relay-exec \"$wd\" \"$@\"");

    private static volatile Optional<String> probe;
    private static volatile boolean rootless;

    private MountNamespace() {}

    /**
     * @return empty when executions can be isolated here, else why not (said once, cached)
     */
    static Optional<String> unavailableReason() {
        Optional<String> p = probe;
        if (p == null) {
            p = check();
            probe = p;
        }
        return p;
    }

    private static Optional<String> check() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("mount namespaces exist on Linux only");
        }
        try {
            String asRoot = "rootless".equals(System.getProperty("relay.isolation")) ? "not tried (relay.isolation=rootless)"
                    : run("unshare", "-m", "--propagation", "private", "true");
            if (asRoot == null) {
                rootless = false;
                return Optional.empty();
            }
            String userNs = run("unshare", "-Urm", "--propagation", "private", "true");
            if (userNs == null) {
                rootless = true;
                return Optional.empty();
            }
            return Optional.of("'unshare -m' failed (it needs root): " + asRoot + "; and 'unshare -Urm' (a user namespace,"
                    + " rootless) failed: " + userNs);
        } catch (IOException e) {
            return Optional.of("util-linux's 'unshare' is not installed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** @return null when the command exits 0 within 10 s, else its output */
    private static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.isEmpty() ? "exit " + p.exitValue() : out;
    }

    /**
     * Prepares {@code root} (upper, overlay work dir, mount point) and returns the argv that runs
     * {@code argv} isolated, with {@code work} as its working directory.
     *
     * @param paths absolute paths the process will write; their parent dirs are created in its view
     * @throws IOException when {@code root} cannot be prepared, or a path holds {@code ,} or {@code :}
     *     (overlayfs option syntax)
     */
    static List<String> wrap(List<String> argv, Path work, Path root, Collection<Path> paths) throws IOException {
        return wrap(argv, work, root, paths, unavailableReason().isEmpty() && rootless);
    }

    /** As {@link #wrap(List, Path, Path, Collection)}, in the rootless form or not. */
    static List<String> wrap(List<String> argv, Path work, Path root, Collection<Path> paths, boolean userNamespace)
            throws IOException {
        for (Path p : List.of(work, root)) {
            String s = p.toString();
            if (s.contains(",") || s.contains(":")) {
                throw new IOException("the state dir path " + s + " holds ',' or ':', which overlayfs options cannot carry");
            }
        }
        Files.createDirectories(root.resolve("upper"));
        Files.createDirectories(root.resolve("ovl"));
        Files.createDirectories(root.resolve("merged"));
        for (Path p : paths) {
            Path parent = hostPath(root, p).getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        if (userNamespace) {
            List<String> out = new ArrayList<>(List.of("unshare", "-Urm", "--propagation", "private", "/bin/sh", "-c",
                    ROOTLESS, "relay-isolate", root.resolve("upper").toString(), work.toString()));
            out.addAll(argv);
            return out;
        }
        List<String> out = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "/bin/sh", "-c", SCRIPT,
                "relay-isolate", root.resolve("merged").toString(), root.resolve("upper").toString(),
                root.resolve("ovl").toString(), work.toString()));
        out.addAll(argv);
        return out;
    }

    /** @return where the file the process wrote at absolute {@code path} lies on the host */
    static Path hostPath(Path root, Path path) {
        return root.resolve("upper").resolve(path.getRoot().relativize(path).toString());
    }
}
