package dev.relay.functions.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServerLock}: a second server on a state dir is refused, naming the first, whether it runs
 * in another JVM (a child process holds the lock) or in this one; {@code server.json} is removed on
 * close only while it is still the closing server's.
 */
class ServerLockTest {
    @TempDir Path state;

    /** The first server in a JVM of its own: takes the lock, prints "locked", holds it until stdin ends. */
    public static void main(String[] args) throws Exception {
        try (ServerLock lock = ServerLock.acquire(Path.of(args[0]), args[1])) {
            lock.wroteServerJson(Files.readAllBytes(Path.of(args[0]).resolve("server.json")));
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our stdin
            }
        }
    }

    @Test
    void aSecondServerInAnotherJvmIsRefusedNamingTheFirstAndServerJsonStaysTheFirstsUntilItStops() throws Exception {
        byte[] first = "{\"http\": \"http://127.0.0.1:18090\"}".getBytes(StandardCharsets.UTF_8);
        Files.write(state.resolve("server.json"), first);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ServerLockTest.class.getName(),
                state.toString(), "http://127.0.0.1:18090").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());

            ConfigurationException refused = assertThrows(ConfigurationException.class,
                    () -> ServerLock.acquire(state, "http://127.0.0.1:18091"));
            assertTrue(refused.getMessage().contains("state dir " + state + " is already served by relay server pid "
                    + holder.pid() + " at http://127.0.0.1:18090"), refused.getMessage());
            assertArrayEquals(first, Files.readAllBytes(state.resolve("server.json")), "the refused server wrote nothing");

            holder.getOutputStream().close(); // the first server stops
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, holder.exitValue());
            assertFalse(Files.exists(state.resolve("server.json")), "a stopped server's server.json is removed");
            ServerLock.acquire(state, "http://127.0.0.1:18091").close(); // free again
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aSecondServerInThisJvmIsRefusedAndAServerJsonReplacedSinceIsKept() throws Exception {
        try (ServerLock first = ServerLock.acquire(state, "http://127.0.0.1:8080")) {
            first.wroteServerJson("mine".getBytes(StandardCharsets.UTF_8));
            ConfigurationException refused = assertThrows(ConfigurationException.class,
                    () -> ServerLock.acquire(state, "http://127.0.0.1:8081"));
            assertTrue(refused.getMessage().contains("already served by relay server pid " + ProcessHandle.current().pid()
                    + " at http://127.0.0.1:8080"), refused.getMessage());
            Files.writeString(state.resolve("server.json"), "someone else's");
        }
        assertEquals("someone else's", Files.readString(state.resolve("server.json")), "not ours: left in place");
        try (ServerLock again = ServerLock.acquire(state, "http://127.0.0.1:8081")) {
            assertTrue(Files.readString(state.resolve(ServerLock.FILE)).contains("http://127.0.0.1:8081"));
        }
    }
}
