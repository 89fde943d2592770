package dev.relay.runner.launch;

import dev.relay.eventing.Sha256;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.store.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Publishing an execution's output, the same for a local process and a Kubernetes pod. */
public final class Outputs {
    private Outputs() {}

    /**
     * Uploads a file to {@code key}, or a directory as one object per file under {@code key/}
     * (relative paths checked, in sorted order).
     *
     * @return where it went: its URI, size in bytes (a directory's total) and sha256 hex (null for a directory)
     * @throws IOException when a file cannot be read
     */
    public static AttemptStatus.OutputRef publish(ArtifactStore store, String key, Path p) throws IOException {
        if (Files.isDirectory(p)) {
            long total = 0;
            try (Stream<Path> files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    String rel = p.relativize(f).toString().replace('\\', '/');
                    store.putFile(key + "/" + RunLayout.safeName(rel, "file in output directory"), f);
                    total += Files.size(f);
                }
            }
            return new AttemptStatus.OutputRef(store.uri(key), total, null);
        }
        store.putFile(key, p);
        return new AttemptStatus.OutputRef(store.uri(key), Files.size(p), Sha256.hex(p));
    }
}
