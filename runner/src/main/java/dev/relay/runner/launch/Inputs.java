package dev.relay.runner.launch;

import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.ReadWait;
import java.nio.file.Path;
import java.util.List;

/** Fetching an execution's input artifact, the same for a local process and a Kubernetes pod's fetch step. */
public final class Inputs {
    private Inputs() {}

    /**
     * Downloads the object {@code uri} names to {@code target}, or, for a directory artifact, every
     * object under {@code uri/} to the same relative path under {@code target} (relative paths
     * checked), waiting with {@code wait} for an announced object to become readable.
     *
     * @param input the input's name, for messages
     * @throws CommandStep.StepException {@code InputNotReadable}: {@code uri} is not an object in the
     *     store's bucket, it stays absent ({@code input not readable: <uri>}), or the store fails
     *     ({@code input not readable: <uri> (<why>)})
     */
    public static void fetch(ArtifactStore store, String uri, String input, Path target, ReadWait wait)
            throws CommandStep.StepException {
        String key = CommandStep.keyOf(store, uri, input);
        boolean fetched;
        try {
            fetched = wait.await(() -> {
                if (store.exists(key)) {
                    store.download(key, target);
                    return true;
                }
                List<String> keys = store.list(key + "/", true);
                for (String k : keys) {
                    store.download(k, target.resolve(RunLayout.safeName(k.substring(key.length() + 1), "file in input directory")));
                }
                return !keys.isEmpty();
            });
        } catch (RuntimeException e) {
            throw new CommandStep.StepException(AttemptStatus.INPUT_NOT_READABLE,
                    "input not readable: " + uri + " (" + e.getMessage() + ")");
        }
        if (!fetched) {
            throw new CommandStep.StepException(AttemptStatus.INPUT_NOT_READABLE, "input not readable: " + uri);
        }
    }
}
