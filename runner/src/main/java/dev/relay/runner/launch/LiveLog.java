package dev.relay.runner.launch;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a running attempt's log grows before its {@code log.txt} is in the store: the local
 * launcher's work dir ({@link #workDirs}), or the pod of a Job ({@code k8s.PodLogs}). Read by
 * {@code run.RunLogs} from a byte offset, so a follower asks again from {@link Piece#nextOffset()}.
 */
@FunctionalInterface
public interface LiveLog {
    /**
     * Bytes of a running attempt's log.
     *
     * @param bytes      the bytes from the offset asked (at most the {@code max} asked; empty when none yet)
     * @param nextOffset where to read next
     */
    record Piece(byte[] bytes, long nextOffset) {}

    /** No live source (executions elsewhere): only the store's {@code log.txt} is read. */
    LiveLog NONE = (runId, task, attempt, offset, max) -> Optional.empty();

    /**
     * Reads attempt {@code attempt} of {@code task}'s live log from byte {@code offset}.
     *
     * @param task a task path ({@code train}, {@code for-loop-2/0/print-op})
     * @param max  the most bytes to return
     * @return empty when this source has no such running attempt (not started here, or over)
     */
    Optional<Piece> read(String runId, String task, int attempt, long offset, int max);

    /**
     * The local launcher's work dirs: {@code <workRoot>/<run>/<task path>/<attempt>/log.txt}, as
     * {@link LocalLauncher} writes it while the process runs.
     */
    static LiveLog workDirs(Path workRoot) {
        return (runId, task, attempt, offset, max) -> {
            Path file = workRoot.resolve(runId).resolve(task).resolve(Integer.toString(attempt)).resolve("log.txt");
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                long from = Math.min(Math.max(0, offset), len);
                byte[] b = new byte[(int) Math.min(max, len - from)];
                f.seek(from);
                f.readFully(b);
                return Optional.of(new Piece(b, from + b.length));
            } catch (IOException e) {
                return Optional.of(new Piece(new byte[0], offset)); // removed or cut meanwhile: nothing new now
            }
        };
    }
}
