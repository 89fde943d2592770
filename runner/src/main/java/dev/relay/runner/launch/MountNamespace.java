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
 * outputs stay where the launcher reads them. Needs root and util-linux's {@code unshare};
 * {@link #unavailableReason()} says why not where the machine does not allow it.
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

    private static volatile Optional<String> probe;

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
            Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "true")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.of("'unshare -m' failed (it needs root): " + out);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("util-linux's 'unshare' is not installed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
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
