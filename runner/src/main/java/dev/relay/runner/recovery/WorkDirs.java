package dev.relay.runner.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code relay gc}: the work dirs a local launcher keeps ({@code <stateDir>/work/<run>/...}, kept
 * when an attempt failed, for inspection) and the execution records ({@code <stateDir>/executions/<run>/})
 * of runs that are over, removed once older than a given age. A run that still runs, or whose
 * bucket entry is gone, is left alone.
 */
public final class WorkDirs {
    /**
     * What was removed.
     *
     * @param runs  runs whose leftovers were removed
     * @param bytes bytes freed (work dirs)
     */
    public record Removed(int runs, long bytes) {}

    private WorkDirs() {}

    /**
     * Removes the leftovers of finished runs last touched more than {@code olderThan} ago.
     *
     * @throws IOException when the state dir cannot be listed
     */
    public static Removed gc(Path stateDir, Generations generations, Duration olderThan, Instant now) throws IOException {
        int runs = 0;
        long bytes = 0;
        Instant cutoff = now.minus(olderThan);
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (String dir : new String[] {"work", "executions"}) {
            Path root = stateDir.resolve(dir);
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    s.filter(Files::isDirectory).forEach(p -> ids.add(p.getFileName().toString()));
                }
            }
        }
        for (String runId : ids) {
            boolean over;
            try {
                over = generations.isOver(runId);
            } catch (RuntimeException e) {
                continue; // not a run id, or unreadable: leave it
            }
            if (!over) {
                continue;
            }
            Path work = stateDir.resolve("work").resolve(runId);
            Path records = stateDir.resolve("executions").resolve(runId);
            if (newest(work).isAfter(cutoff) || newest(records).isAfter(cutoff)) {
                continue;
            }
            bytes += size(work);
            delete(work);
            delete(records);
            runs++;
        }
        return new Removed(runs, bytes);
    }

    private static Instant newest(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return Instant.EPOCH;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant();
                } catch (IOException e) {
                    return Instant.EPOCH;
                }
            }).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        }
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
