package dev.relay.runner.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rootless private view of {@code /} ({@code unshare -Urm}): a process writing KFP 1.8's fixed
 * paths ({@code /tmp/outputs/<x>/data}, {@code /mlpipeline-metrics.json}) gets them in the
 * execution's own root, not on the host; run as an unprivileged user where the test runs as root.
 */
class MountNamespaceTest {
    @TempDir Path dir;

    private static boolean works(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void anUnprivilegedProcessWritesFixedPathsIntoItsOwnRoot() throws Exception {
        assumeTrue(works("unshare", "-Urm", "true"), "skipped: this kernel allows no user namespace (unshare -Urm)");
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        if (asRoot) {
            assumeTrue(works("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "unshare", "-Urm", "true"),
                    "skipped: cannot drop to uid 65534 with setpriv to test as an unprivileged user");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path root = work.resolve(".root");
        String id = Long.toHexString(System.nanoTime());
        Path metrics = Path.of("/mlpipeline-metrics-" + id + ".json");
        Path out = Path.of("/tmp/outputs/sum-" + id + "/data");
        List<String> argv = new ArrayList<>();
        if (asRoot) {
            argv.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> wrapped = MountNamespace.wrap(List.of("sh", "-c", "mkdir -p " + out.getParent() + " && echo 15 > "
                + out + " && echo '{}' > " + metrics + " && echo here > local.txt && cat " + out), work, root,
                List.of(metrics, out), true);
        try (var dirs = Files.walk(root)) {
            // what wrap prepared as this (root) user, for the unprivileged one
            for (Path d : dirs.toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
        argv.addAll(wrapped);
        Process p = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), argv + "\n" + log);
        assertEquals("15\n", log);
        assertEquals("15\n", Files.readString(MountNamespace.hostPath(root, out)));
        assertEquals("{}\n", Files.readString(MountNamespace.hostPath(root, metrics)));
        assertEquals("here\n", Files.readString(work.resolve("local.txt")), "the work dir is the host's");
        assertFalse(Files.exists(metrics), "the host's / was not touched");
        assertFalse(Files.exists(out), "the host's /tmp was not touched");
    }
}
