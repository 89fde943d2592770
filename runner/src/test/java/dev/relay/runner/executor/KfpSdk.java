package dev.relay.runner.executor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The real KFP SDK 2.15.2 for tests: installed once per module into {@code target/kfp-venv} from
 * {@code ../shared/kfp-sdk} (offline wheels). Tests that need it skip with a clear message when the
 * shared folder is absent.
 */
public final class KfpSdk {
    private KfpSdk() {}

    /** @return the shared folder ({@code relay.shared.dir}), or null */
    public static Path shared() {
        String s = System.getProperty("relay.shared.dir");
        Path p = s == null ? Path.of("..", "..", "shared") : Path.of(s);
        return Files.isDirectory(p) ? p.toAbsolutePath().normalize() : null;
    }

    /** @return the wheel folder the executor's pip reads offline */
    public static Path wheels() {
        Path s = shared();
        assumeTrue(s != null && Files.isDirectory(s.resolve("kfp-sdk/wheels")),
                "skipped: ../shared/kfp-sdk/wheels is absent (the real KFP SDK's offline wheels)");
        return s.resolve("kfp-sdk/wheels");
    }

    /** @return the venv with the SDK, installing it on first use; skips the test when impossible */
    public static synchronized Path venv() throws IOException, InterruptedException {
        Path s = shared();
        assumeTrue(s != null && Files.isExecutable(s.resolve("kfp-sdk/install.sh")),
                "skipped: ../shared/kfp-sdk/install.sh is absent (the real KFP SDK, installed offline)");
        Path venv = Path.of("target", "kfp-venv").toAbsolutePath();
        Files.createDirectories(venv.getParent());
        try (FileChannel ch = FileChannel.open(venv.getParent().resolve("kfp-venv.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (!Files.isExecutable(venv.resolve("bin/python")) || !Files.exists(venv.resolve(".relay-ok"))) {
                Process p = new ProcessBuilder(s.resolve("kfp-sdk/install.sh").toString(), venv.toString())
                        .redirectErrorStream(true).redirectOutput(venv.getParent().resolve("kfp-venv.log").toFile()).start();
                assumeTrue(p.waitFor() == 0, "skipped: installing the KFP SDK failed, see target/kfp-venv.log");
                Files.writeString(venv.resolve(".relay-ok"), "");
            }
        }
        return venv;
    }

    /** @return pip's offline configuration: the shared wheels, no index */
    public static Map<String, String> offlinePip() {
        return Map.of("PIP_FIND_LINKS", wheels().toString(), "PIP_NO_INDEX", "1");
    }
}
