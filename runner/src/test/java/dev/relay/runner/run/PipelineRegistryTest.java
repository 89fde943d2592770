package dev.relay.runner.run;

import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunDoc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.spec.SpecException;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline registry and text (inline) pipelines, on a real embedded S3 server. */
class PipelineRegistryTest {
    @TempDir static Path dir;
    static EmbeddedS3Server server;

    static final String COMPONENT = """
            name: echo
            inputs: [{name: text}]
            implementation:
              container:
                image: alpine
                command: [echo, {inputValue: text}]
            """;

    @BeforeAll
    static void start() {
        server = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, "minio", "minio123", n -> { });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A clock that ticks one second per reading, so each registration is newer than the last. */
    static Clock ticking() {
        AtomicLong t = new AtomicLong(1_800_000_000L);
        return new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochSecond(t.getAndIncrement()); }
        };
    }

    static Path seed() {
        return Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/random-sum/pipeline.yaml");
    }

    @Test
    void defaultVersionIsTheContentHashAndLatestNamesTheNewest() throws Exception {
        MinioArtifactStore store = server.store("reg-a");
        PipelineRegistry reg = new PipelineRegistry(store, ticking());
        PipelineRegistry.Registered a = reg.register(null, null, COMPONENT);
        assertEquals("echo", a.name());
        assertEquals(PipelineRegistry.defaultVersion(COMPONENT.getBytes(StandardCharsets.UTF_8)), a.version());
        assertEquals(12, a.version().length());
        assertEquals("pipelines/echo/" + a.version() + "/pipeline.yaml", a.key());
        assertTrue(a.created());
        assertEquals(COMPONENT, new String(store.get(a.key()).orElseThrow(), StandardCharsets.UTF_8));

        PipelineRegistry.Registered again = reg.register(null, null, COMPONENT);
        assertFalse(again.created());
        assertEquals(a.createdAt(), again.createdAt());

        String v2text = COMPONENT.replace("name: echo", "name: echo\ndescription: second");
        PipelineRegistry.Registered b = reg.register("echo", "v2", v2text);
        assertEquals("v2", reg.find("echo", "latest").orElseThrow().version());
        assertEquals(a.version(), reg.find("echo", a.version()).orElseThrow().version());
        assertTrue(reg.find("echo", "nope").isEmpty());
        assertTrue(reg.find("other", "latest").isEmpty());
        assertEquals(2, reg.versions("echo").size());
        assertEquals(b.key(), reg.find("echo", null).orElseThrow().key());
    }

    @Test
    void versionsAreImmutableAndNamesChecked() throws Exception {
        PipelineRegistry reg = new PipelineRegistry(server.store("reg-b"), ticking());
        reg.register("p", "1", COMPONENT);
        assertThrows(PipelineRegistry.ConflictException.class, () -> reg.register("p", "1", COMPONENT + "\n# changed\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reg.register("../x", null, COMPONENT));
        assertTrue(e.getMessage().startsWith("name '../x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> reg.register("p", "latest", COMPONENT));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> reg.find("p", "a/b"));
    }

    @Test
    void textPipelinesMustNotReferToFiles() throws Exception {
        PipelineRegistry reg = new PipelineRegistry(server.store("reg-c"), ticking());
        String seedText = Files.readString(seed());
        SpecException e = assertThrows(SpecException.class, () -> reg.register("seed", null, seedText));
        assertTrue(e.errors().get(0).message().contains("gen.componentRef.url"), e.errors().toString());
        SpecException bad = assertThrows(SpecException.class, () -> RunService.prepare("name: [unclosed", "inline"));
        assertTrue(bad.errors().get(0).toString().startsWith("inline:"), bad.errors().toString());
        SpecException notMap = assertThrows(SpecException.class, () -> RunService.prepare("- a\n- b\n", "inline"));
        assertFalse(notMap.errors().isEmpty());
    }

    @Test
    void aLocalFileIsStoredInlinedAndRunsLikeTheFile() throws Exception {
        MinioArtifactStore store = server.store("reg-d");
        PipelineRegistry reg = new PipelineRegistry(store, ticking());
        PipelineRegistry.Registered r = reg.registerFile(seed(), null, null);
        assertEquals("random-sum", r.name());
        PipelineRegistry.Entry e = reg.find("random-sum", "latest").orElseThrow();
        assertFalse(e.yaml().contains("url:"), e.yaml());
        RunService.Prepared fromRegistry = RunService.prepare(e.yaml(), e.key());
        RunService.Prepared fromFile = RunService.prepare(seed());
        assertEquals(fromFile.spec(), fromRegistry.spec());
        assertEquals(fromFile.plan().taskNames(), fromRegistry.plan().taskNames());

        RunService runs = new RunService(store, Clock.systemUTC());
        String runId = runs.newRunId();
        RunRequestException literal = assertThrows(RunRequestException.class, () -> runs.submitLiteral(runs.newRunId(), fromRegistry,
                Map.of("count", "@/etc/passwd"), new RunDoc.Cause("http", null, null, null), null));
        assertTrue(literal.getMessage().contains("'@/etc/passwd' is not an integer"), "taken literally, never read from disk: " + literal.getMessage());
        RunDoc doc = runs.submitLiteral(runId, fromRegistry, Map.of("count", "7"), new RunDoc.Cause("http", null, null, null),
                new RunDoc.PipelineRef(r.name(), r.version(), e.key()));
        assertEquals("7", doc.parameters().get("count"));
        assertEquals(r.version(), doc.pipeline().version());
        assertTrue(store.get(RunLayout.runJson(runId)).isPresent());
        assertThrows(RunRequestException.class, () -> runs.submitLiteral(runs.newRunId(), fromRegistry, Map.of("nope", "1"),
                new RunDoc.Cause("http", null, null, null), null));
    }
}
