package dev.relay.runner.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed right after it created the index (as {@code kill -9} of {@code relay server}
 * does) leaves an index the next process opens: the migration is on disk before the index is
 * used. Before, H2 had the tables on disk at once but their history row up to a second later, and
 * about one open in five after such a kill failed for good ("Table RELAY_RUNS already exists").
 * Each round is a real JVM that opens a fresh index and halts (no shutdown hook runs).
 */
class IndexKillTest {
    /** Opens the index of the state dir {@code args[0]}; halts at once when a second argument is given. */
    public static void main(String[] args) {
        IndexDatabase db = IndexDatabase.open(Path.of(args[0]));
        if (args.length > 1) {
            Runtime.getRuntime().halt(0);
        }
        db.close();
        System.out.println("opened");
    }

    private static String java(Path state, boolean halt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = halt
                ? new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), IndexKillTest.class.getName(), state.toString(), "halt")
                : new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), IndexKillTest.class.getName(), state.toString());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    @Test
    void anIndexWhoseCreatorWasKilledOpensAgain(@TempDir Path tmp) throws Exception {
        for (int round = 0; round < 4; round++) {
            Path state = Files.createDirectories(tmp.resolve("state-" + round));
            java(state, true);
            String out = java(state, false);
            assertEquals("opened", out.strip().lines().reduce((a, b) -> b).orElse(""), "round " + round + ": " + out);
        }
    }
}
