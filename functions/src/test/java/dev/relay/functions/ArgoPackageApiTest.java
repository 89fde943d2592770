package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.app.Backend;
import dev.relay.runner.cli.RelayCli;
import dev.relay.runner.contract.RunLayout;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's acceptance over the API: a KFP 1.8 package ({@code .tar.gz} holding one Argo
 * Workflow) registered with {@code relay pipeline upload} on the server's state dir, then started
 * with {@code POST /api/v1/runs} and {@code {"count": "5"}}, produces five numbers and prints their
 * sum. Once with the seed packages of {@code ../shared} (skipped without it), once with a
 * hand-written package so the path is covered everywhere.
 */
@QuarkusTest
class ArgoPackageApiTest {
    @Inject Backend backend;
    @TempDir Path tmp;

    /** {@code relay pipeline upload FILE --name N --state-dir <the app's state dir>}; fails the test unless it exits 0. */
    private static void upload(Path file, String name) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = RelayCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("pipeline", "upload", file.toString(), "--name", name, "--state-dir", "target/relay-test-state");
        assertEquals(0, exit, "relay pipeline upload " + file + ": " + out + err);
    }

    /** Starts the registered pipeline with count=5 over the run API and waits for it to succeed. */
    private JsonNode runWithCountFive(String name) throws Exception {
        Response created = given().contentType("application/json")
                .body("{\"pipeline\":{\"name\":\"" + name + "\",\"version\":\"latest\"},\"parameters\":{\"count\":\"5\"}}")
                .post("/api/v1/runs");
        created.then().statusCode(201);
        JsonNode view = RunApiTest.await(created.jsonPath().getString("runId"));
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        assertEquals("5", view.get("parameters").get("count").asText());
        return view;
    }

    private String object(String key) {
        return new String(backend.store().get(key).orElseThrow(() -> new AssertionError("no object " + key)),
                StandardCharsets.UTF_8);
    }

    /** The task that wrote output {@code output}, from the run view. */
    private static String taskWithOutput(JsonNode view, String output) {
        for (JsonNode t : view.get("tasks")) {
            if (t.path("outputs").has(output)) {
                return t.get("name").asText();
            }
        }
        throw new AssertionError("no task with output " + output + " in " + view);
    }

    private int[] numbers(String runId, String task) {
        return object(RunLayout.output(runId, task, "numbers")).lines().filter(l -> !l.isBlank())
                .mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void theSeedPackageUploadedWithTheCliAndStartedOverTheApiGivesFiveNumbers() throws Exception {
        Path seed = TestSupport.shared().map(s -> s.resolve("cases/v1_kfp_sdk/seed")).orElse(null);
        assumeTrue(seed != null && Files.isDirectory(seed), "skipped: ../shared/cases/v1_kfp_sdk/seed is absent");
        for (String f : new String[] {"random_sum_funcs_v1.tar.gz", "random_sum_yaml_v1.tar.gz"}) {
            String name = "seed-v1-" + UUID.randomUUID().toString().substring(0, 8);
            upload(seed.resolve(f), name);
            JsonNode view = runWithCountFive(name);
            String runId = view.get("runId").asText();
            int[] values = numbers(runId, taskWithOutput(view, "numbers"));
            assertEquals(5, values.length, f + ": " + Arrays.toString(values));
            JsonNode last = view.get("tasks").get(view.get("tasks").size() - 1);
            assertEquals(Integer.toString(Arrays.stream(values).sum()),
                    object(RunLayout.attemptLog(runId, last.get("name").asText(), 1)).strip(), f + ": the printed sum");
        }
    }

    @Test
    void aHandWrittenPackageUploadedWithTheCliAndStartedOverTheApiGivesFiveNumbers() throws Exception {
        String yaml = Files.readString(TestSupport.repo().resolve("runner/src/test/resources/argo/sum.workflow.yaml"));
        Path tgz = tmp.resolve("sum.tar.gz");
        Files.write(tgz, tarGz("pipeline.yaml", yaml));
        String name = "sum-v1-" + UUID.randomUUID().toString().substring(0, 8);
        upload(tgz, name);
        JsonNode view = runWithCountFive(name);
        String runId = view.get("runId").asText();
        assertEquals("[1, 2, 3, 4, 5]", Arrays.toString(numbers(runId, "gen")));
        assertEquals("15", object(RunLayout.output(runId, "sum", "total")).strip());
        assertEquals("total: 15", object(RunLayout.attemptLog(runId, "report/show", 1)).strip());
        assertEquals(4, view.get("tasks").size(), "gen, sum, report and report/show: " + view);
    }

    static byte[] tarGz(String entry, String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry te = new TarArchiveEntry(entry);
            te.setSize(b.length);
            tar.putArchiveEntry(te);
            tar.write(b);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
