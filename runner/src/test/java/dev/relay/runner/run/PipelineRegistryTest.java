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

    static String sumWorkflow() throws Exception {
        return Files.readString(Path.of("src/test/resources/argo/sum.workflow.yaml"));
    }

    @Test
    void aPackageArchiveIsStoredInItsOwnFormAndReadAsItsWorkflow() throws Exception {
        MinioArtifactStore store = server.store("reg-e");
        PipelineRegistry reg = new PipelineRegistry(store, ticking());
        String yaml = sumWorkflow();
        byte[] tgz = dev.relay.runner.argo.ArgoPackageTest.tarGz(Map.of("pipeline.yaml", yaml));
        PipelineRegistry.Registered r = reg.registerBytes("sum", null, tgz, "sum.tar.gz", "Sum", "a package");
        assertEquals(PipelineRegistry.defaultVersion(tgz), r.version(), "the default version hashes the bytes stored");
        assertEquals("pipelines/sum/" + r.version() + "/pipeline.tar.gz", r.key());
        assertTrue(java.util.Arrays.equals(tgz, store.get(r.key()).orElseThrow()), "stored as uploaded");
        assertTrue(store.stat(PipelineRegistry.key("sum", r.version())).isEmpty(), "no pipeline.yaml beside it");
        PipelineRegistry.Meta meta = reg.versions("sum").get(0);
        assertEquals(PipelineRegistry.TAR_GZ_FILE, meta.file());
        assertEquals(r.key(), meta.key());
        PipelineRegistry.Entry e = reg.find("sum", "latest").orElseThrow();
        assertEquals(r.key(), e.key());
        assertEquals(yaml, e.yaml(), "read as the workflow the package holds");
        assertEquals(RunService.prepare(yaml, "x").plan().taskNames(), RunService.prepare(e.yaml(), e.key()).plan().taskNames());
        assertFalse(reg.registerBytes("sum", r.version(), tgz, null, null, null).created(), "the same bytes again: a no-op");
        PipelineRegistry.ConflictException other = assertThrows(PipelineRegistry.ConflictException.class,
                () -> reg.register("sum", r.version(), yaml));
        assertTrue(other.getMessage().contains("pipeline.tar.gz"), other.getMessage());

        byte[] zip = dev.relay.runner.argo.ArgoPackageTest.zip(Map.of("sum.yaml", yaml));
        PipelineRegistry.Registered z = reg.registerBytes("sum", "zipped", zip, "sum.zip", null, null);
        assertEquals("pipelines/sum/zipped/pipeline.zip", z.key());
        assertEquals(yaml, reg.find("sum", "zipped").orElseThrow().yaml());
        assertEquals(2, reg.versions("sum").size());

        SpecException two = assertThrows(SpecException.class, () -> reg.registerBytes("sum", "two",
                dev.relay.runner.argo.ArgoPackageTest.tarGz(Map.of("a.yaml", yaml, "b.yaml", yaml)), "two.tar.gz", null, null));
        assertTrue(two.getMessage().contains("two.tar.gz"), two.getMessage());
        assertTrue(store.list("pipelines/sum/two/", true).isEmpty(), "nothing stored for an invalid package");

        // relay pipeline upload of a package file stores it the same way
        Path file = dir.resolve("sum.tar.gz");
        Files.write(file, tgz);
        PipelineRegistry.Registered f = reg.registerFile(file, "from-file", "v1");
        assertEquals("pipelines/from-file/v1/pipeline.tar.gz", f.key());
        assertEquals(yaml, reg.find("from-file", "v1").orElseThrow().yaml());
    }

    @Test
    void aVersionWrittenBeforeFilesWereNamedReadsAsPipelineYaml() throws Exception {
        MinioArtifactStore store = server.store("reg-f");
        // as an older Relay wrote it: pipeline.yaml and a meta.json of four fields
        store.put("pipelines/old/1/pipeline.yaml", COMPONENT.getBytes(StandardCharsets.UTF_8));
        store.put("pipelines/old/1/meta.json", ("{\"name\": \"old\", \"version\": \"1\", \"sha256\": \"x\","
                + " \"createdAt\": \"2026-01-01T00:00:00.000Z\"}").getBytes(StandardCharsets.UTF_8));
        // and one caught between its file and its meta.json
        store.put("pipelines/old/2/pipeline.yaml", COMPONENT.getBytes(StandardCharsets.UTF_8));
        PipelineRegistry reg = new PipelineRegistry(store, ticking());
        PipelineRegistry.Entry e = reg.find("old", "1").orElseThrow();
        assertEquals("pipelines/old/1/pipeline.yaml", e.key());
        assertEquals(COMPONENT, e.yaml());
        assertEquals("pipelines/old/1/pipeline.yaml", reg.versions("old").get(0).key());
        assertEquals(COMPONENT, reg.find("old", "2").orElseThrow().yaml());
    }
}
