package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.Backend;
import dev.relay.functions.app.NotificationSink;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.run.RunService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The server's scheduled sweep (issue 18, "a lost notification is picked up by the sweep"): the
 * app on the embedded store with every object notification dropped, and the sweep interval
 * ({@code relay.sweep-interval}) set to 1 s. A run submitted after start moves only because the
 * scheduler's sweep finds its {@code run.json} and then each attempt's {@code status.json} with no
 * decision taken, and drives it on.
 */
@QuarkusTest
@TestProfile(ScheduledSweepTest.NotificationsOff.class)
class ScheduledSweepTest {
    /** Notifications dropped, the sweep every second, a state dir of its own. */
    public static class NotificationsOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.sweep-interval", "1s", "relay.state-dir", "target/relay-test-state-sweep");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(DroppingSink.class);
        }
    }

    /** Drops every envelope of the embedded store: no object event reaches the controller. */
    @Alternative
    @ApplicationScoped
    public static class DroppingSink implements NotificationSink {
        static final AtomicInteger DROPPED = new AtomicInteger();

        @Override
        public void accept(byte[] envelope) {
            DROPPED.incrementAndGet();
        }
    }

    static final String PIPELINE = """
            name: sweep-two
            description: "a -> b, each a short command"
            implementation:
              graph:
                tasks:
                  a:
                    componentRef:
                      spec:
                        name: a
                        outputs: [{name: out}]
                        implementation:
                          container:
                            image: alpine
                            command: [sh, -c, 'mkdir -p "$(dirname "$0")"; echo a > "$0"', {outputPath: out}]
                  b:
                    componentRef:
                      spec:
                        name: b
                        inputs: [{name: in}]
                        implementation:
                          container: {image: alpine, command: [cat, {inputPath: in}]}
                    arguments: {in: {taskOutput: {taskId: a, outputName: out}}}
            """;

    @Inject Backend backend;

    private Optional<RunStatus> end(String runId) {
        return backend.recovery().generations().status(runId);
    }

    private boolean has(String key) {
        return backend.store().stat(key).isPresent();
    }

    @Test
    void aRunWhoseNotificationsAreLostIsDrivenToItsEndByTheScheduledSweep() throws Exception {
        Path file = Files.createTempFile("sweep-two", ".yaml");
        Files.writeString(file, PIPELINE);
        String runId = backend.runs().newRunId();
        int droppedBefore = DroppingSink.DROPPED.get();
        backend.runs().submit(runId, RunService.prepare(file), Map.of(), RunDoc.Cause.cli());

        // with the default interval (60 s) this needs three sweeps after the submit: over two minutes
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        String aStatus = RunLayout.attemptStatus(runId, "a", 1);
        String bClaimed = RunLayout.attemptPrefix(runId, "b", 1) + "launched.json";
        boolean sawAWithoutB = false;
        while (end(runId).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the run did not end within 45 s of 1 s sweeps: a status "
                    + has(aStatus) + ", b claimed " + has(bClaimed));
            // a's status.json, written with no notification, sits there until a sweep takes its decision
            sawAWithoutB |= has(aStatus) && !has(bClaimed);
            Thread.sleep(20);
        }

        assertEquals(Phase.Succeeded, end(runId).orElseThrow().phase());
        assertTrue(sawAWithoutB, "a's status was seen before b was launched: b's launch was the sweep's decision");
        String key = RunLayout.attemptStatus(runId, "b", 1);
        assertEquals(ExecutionPhase.Succeeded, Json.read(backend.store().get(key).orElseThrow(), AttemptStatus.class, key).phase());
        assertTrue(DroppingSink.DROPPED.get() > droppedBefore + 3, "the run's notifications were dropped");
    }
}
