package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.recovery.LaunchIntents;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's acceptance with the real {@code relay server} (the packaged app, as {@code ./relay
 * server} starts it, each in its own JVM): {@code kill -9} of the server while a task sleeps, then
 * a restart on the same state dir, leaves no process behind and ends the run ({@code Lost}) within
 * a minute; the servers started one after the other on that state dir never run one attempt twice.
 * Runs in {@code verify} after the app is packaged (failsafe, hence the {@code IT} name): it needs
 * {@code functions/target/quarkus-app/quarkus-run.jar} and skips with a message when it is absent
 * or older than the sources. Prints the time from the second server's start to the run's end.
 */
class RelayServerRestartIT {
    static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir Path tmp;
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(Process::destroyForcibly);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code relay server --state-dir STATE --port PORT}, as the relay script starts it; waits until its API answers. */
    private URI server(Path state, String name) throws Exception {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dquarkus.profile=embedded",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-Drelay.state-dir=" + state, "-jar", APP.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
        servers.add(p);
        URI base = URI.create("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), name + " exited: " + Files.readString(tmp.resolve(name + ".log")));
            try {
                if (HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/runs")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return base;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not answer within 120 s: " + Files.readString(tmp.resolve(name + ".log")));
    }

    private static JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private static boolean alive(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        String s;
        try {
            s = Files.readString(stat);
        } catch (java.io.IOException gone) {
            return false;
        }
        char state = s.charAt(s.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    /** Every intent record of the state dir's bucket: key → content. */
    private static java.util.Map<String, String> intents(Path state) throws Exception {
        Path bucket = state.resolve("s3/mlpipeline");
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(bucket)) {
            for (Path f : (Iterable<Path>) s.filter(f -> f.getFileName().toString().equals(LaunchIntents.FILE))::iterator) {
                out.put(bucket.relativize(f).toString(), Files.readString(f));
            }
        }
        return out;
    }

    /** Skips unless the packaged app exists and is newer than the sources. */
    private static void assumeFreshApp() throws Exception {
        assumeTrue(Files.isRegularFile(APP), "needs the packaged app " + APP
                + " (./mvnw -pl functions -am package -DskipTests, or one ./relay server); it is absent");
        java.nio.file.attribute.FileTime built = Files.getLastModifiedTime(APP);
        for (String src : List.of("eventing/src/main", "runner/src/main", "functions/src/main")) {
            try (Stream<Path> s = Files.walk(TestSupport.repo().resolve(src))) {
                Path newer = s.filter(Files::isRegularFile).filter(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(built) > 0;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }).findFirst().orElse(null);
                assumeTrue(newer == null, "the packaged app " + APP + " is older than " + newer
                        + ": package it again (./mvnw -pl functions -am package -DskipTests) to test this code");
            }
        }
    }

    /** Posts nap.yaml with {@code dir}; @return the run id. */
    private static String startNap(URI server, Path dir) throws Exception {
        String nap = Files.readString(TestSupport.repo().resolve("runner/src/test/resources/recovery/nap.yaml"));
        String body = "{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(nap) + "},\"parameters\":{\"dir\":"
                + Json.MAPPER.valueToTree(dir.toString()) + "}}";
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(server.resolve("/api/v1/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return Json.MAPPER.readTree(created.body()).get("runId").asText();
    }

    /** @return the run's view once it has finishedAt; fails when that is over a minute after {@code t0} (System.nanoTime) */
    private JsonNode awaitEnd(URI server, String runId, long t0) throws Exception {
        while (true) {
            JsonNode view = get(server, "/api/v1/runs/" + runId);
            if (view.hasNonNull("finishedAt")) {
                return view;
            }
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60), "the run did not end within a minute: " + view);
            Thread.sleep(200);
        }
    }

    private static long awaitNap(Path dir) throws Exception {
        Path pidFile = dir.resolve("nap.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(pidFile)) {
            assertTrue(System.nanoTime() < deadline, "nap did not start within 120 s");
            Thread.sleep(50);
        }
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /**
     * {@code relay server} stopped with SIGTERM while a task sleeps: the stop is no failure of the
     * task (no StoreUnavailable with executor internals as its reason); the restarted server's
     * sweep writes the attempt Lost and runs it again, and the run ends Succeeded.
     */
    @Test
    void aServerStoppedMidRunResumesTheRunWhenRestarted() throws Exception {
        assumeFreshApp();
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));
        URI first = server(state, "server-1");
        String runId = startNap(first, dir);
        long napPid = awaitNap(dir);

        servers.get(0).destroy(); // SIGTERM
        assertTrue(servers.get(0).waitFor(60, TimeUnit.SECONDS), "the server stops on SIGTERM");
        assertFalse(alive(napPid), "the task ended with the server");

        URI second = server(state, "server-2");
        JsonNode view = awaitEnd(second, runId, System.nanoTime());
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        String key = RunLayout.attemptStatus(runId, "nap", 1);
        AttemptStatus stopped = Json.read(Files.readAllBytes(state.resolve("s3/mlpipeline").resolve(key)), AttemptStatus.class, key);
        assertEquals(AttemptStatus.LOST, stopped.reason(), stopped.message());
        assertFalse(stopped.message().contains("Exception") || stopped.message().contains("Executor"), stopped.message());
        assertEquals(1, Files.readAllLines(dir.resolve("first.count")).size(), "first ran once");
    }

    @Test
    void aServerKilledMidRunThenRestartedEndsTheRunAndNoAttemptRunsTwice() throws Exception {
        assumeFreshApp();
        Path state = tmp.resolve("state");
        Path dir = Files.createDirectories(tmp.resolve("w"));

        URI first = server(state, "server-1");
        String runId = startNap(first, dir);
        long napPid = awaitNap(dir);
        new ProcessBuilder("kill", "-9", Long.toString(servers.get(0).pid())).start().waitFor();
        assertTrue(servers.get(0).waitFor(10, TimeUnit.SECONDS));
        assertTrue(alive(napPid), "kill -9 of the server leaves its task running (no JVM hook runs)");
        java.util.Map<String, String> claimed = intents(state);

        long t0 = System.nanoTime();
        URI second = server(state, "server-2");  // its start-time sweep: the owner is dead
        JsonNode view = awaitEnd(second, runId, t0);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("relay server restart: the run ended " + tookMs + " ms after the second server was started");

        assertEquals("Failed", view.get("phase").asText(), view.toString());
        assertFalse(alive(napPid), "the orphan was ended");
        String key = RunLayout.attemptStatus(runId, "nap", 1);
        AttemptStatus lost = Json.read(Files.readAllBytes(state.resolve("s3/mlpipeline").resolve(key)), AttemptStatus.class, key);
        assertEquals(AttemptStatus.LOST, lost.reason(), lost.message());
        assertEquals(claimed, intents(state), "the second server claimed nothing: no attempt ran again");
        assertEquals(1, Files.readAllLines(dir.resolve("first.count")).size(), "first ran once");

        servers.get(1).destroy();  // SIGTERM: a normal stop
        assertTrue(servers.get(1).waitFor(60, TimeUnit.SECONDS));
        URI third = server(state, "server-3");
        assertEquals("Failed", get(third, "/api/v1/runs/" + runId).get("phase").asText());
        Thread.sleep(2000);  // its start-time sweep has run by now (it runs before the API answers or just after)
        assertEquals(claimed, intents(state), "a third server claims nothing either");
        assertEquals(1, Files.readAllLines(dir.resolve("first.count")).size());
    }
}
