package dev.relay.runner.launch;

import dev.relay.eventing.Sha256;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.executor.ExecutorResult;
import dev.relay.runner.store.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
        return publishFile(store, key, p);
    }

    /** Uploads one output file or directory; {@link #publish}. */
    @FunctionalInterface
    public interface Upload {
        /** @return where it went */
        AttemptStatus.OutputRef upload(String key, Path p) throws IOException;
    }

    /**
     * A KFP v2 execution's output artifacts as its {@code status.json} records them: each one the
     * program wrote uploaded with {@code upload}, with its type's schema title and its metadata; one
     * it did not write (no path) recorded with its metadata and no URI.
     *
     * @return output name → reference, in the executor's order
     * @throws IOException what {@code upload} throws
     */
    public static Map<String, AttemptStatus.OutputRef> v2(ExecutorResult result, Upload upload) throws IOException {
        Map<String, AttemptStatus.OutputRef> published = new LinkedHashMap<>();
        for (ExecutorResult.Artifact a : result.artifacts().values()) {
            String title = a.type().schemaTitle();
            if (a.path() != null) {
                AttemptStatus.OutputRef o = upload.upload(a.storeKey(), Path.of(a.path()));
                published.put(a.name(), new AttemptStatus.OutputRef(o.uri(), o.size(), o.sha256(), title, a.metadata()));
            } else {
                published.put(a.name(), new AttemptStatus.OutputRef(null, 0, null, title, a.metadata()));
            }
        }
        return published;
    }

    private static AttemptStatus.OutputRef publishFile(ArtifactStore store, String key, Path p) throws IOException {
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
