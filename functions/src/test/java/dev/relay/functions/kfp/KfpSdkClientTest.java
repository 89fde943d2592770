package dev.relay.functions.kfp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.TestSupport;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real {@code kfp.Client} (KFP SDK 2.15.2 from {@code ../shared/kfp-sdk}, installed offline
 * into {@code target/kfp-venv}) drives this app on its random test port through
 * {@code src/test/resources/kfp/sdk_client.py}: healthz, experiments, a v2 pipeline function with
 * {@code @dsl.component} and {@code @dsl.container_component} tasks, upload_pipeline +
 * list_pipeline_versions + run_pipeline to SUCCEEDED with every task in get_run, list_runs by
 * experiment, an interval recurring run that fires at least twice and stops when disabled, and
 * terminate_run of a long task (CANCELED, its process gone), then its retry (kfp_server_api's
 * {@code run_service_retry_run}: the client has no retry method) to SUCCEEDED. Skips with a message where the SDK
 * folder is absent. The v2 IR step is reported "xfail" with the server's message while the server
 * refuses KFP v2 IR; every other step must pass.
 */
@QuarkusTest
class KfpSdkClientTest {
    @Inject Backend backend;

    @Test
    void theRealKfpClientDrivesRelay() throws Exception {
        Path python = venv().resolve("bin/python");
        Path work = Files.createTempDirectory(Path.of("target"), "kfp-sdk-client");
        Files.writeString(work.resolve("seed.yaml"), TestSupport.seedYaml());
        Files.writeString(work.resolve("echo.yaml"), TestSupport.ECHO);
        Files.writeString(work.resolve("sleeper.yaml"), KfpApiTest.SLEEP_ONCE);
        Path script = work.resolve("sdk_client.py");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/kfp/sdk_client.py"))) {
            Files.copy(in, script);
        }
        Path out = work.resolve("out.txt");
        Process p = new ProcessBuilder(python.toString(), script.toString(), "http://127.0.0.1:" + RestAssured.port, work.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean ended = p.waitFor(25, TimeUnit.MINUTES); // a bound, not a speed check: each step has its own
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(ended, "the script did not end within its bound:\n" + output);
        assertEquals(0, p.exitValue(), output);
        List<String> lines = output.lines().toList();
        JsonNode summary = Json.MAPPER.readTree(lines.get(lines.size() - 1));
        assertEquals("SUCCEEDED", summary.path("version_run").path("state").asText(), output);
        assertEquals(List.of("gen", "print", "sum"), fieldNames(summary.path("version_run").path("tasks")), output);
        assertTrue(summary.path("listed").asInt() >= 1, output);
        assertTrue(summary.path("recurring").path("fired").asInt() >= 2, output);
        assertEquals(0, summary.path("recurring").path("after_disable").asInt(), output);
        assertEquals("CANCELED", summary.path("terminate").path("state").asText(), output);
        assertEquals(0, summary.path("terminate").path("processes_left").asInt(), output);
        assertEquals("SUCCEEDED", summary.path("retry").path("state").asText(), output);
        JsonNode ir = summary.path("ir");
        if (ir.has("xfail")) {
            // the v2 IR path runs once the pipeline model drives runs; until then the refusal must name the format
            assertTrue(ir.path("xfail").asText().contains("KFP v2 pipeline spec"), output);
            System.err.println("KfpSdkClientTest: xfail create_run_from_pipeline_func: " + ir.path("xfail").asText());
        } else {
            assertEquals("SUCCEEDED", ir.path("state").asText(), output);
            assertTrue(textList(ir.path("tasks")).containsAll(List.of("add", "say")), output);
        }
    }

    static List<String> fieldNames(JsonNode o) {
        List<String> out = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out.stream().sorted().toList();
    }

    static List<String> textList(JsonNode a) {
        List<String> out = new java.util.ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** @return {@code target/kfp-venv} with the SDK, installed on first use; skips without the shared folder */
    static synchronized Path venv() throws IOException, InterruptedException {
        Path shared = TestSupport.shared().orElse(null);
        assumeTrue(shared != null && Files.isExecutable(shared.resolve("kfp-sdk/install.sh")),
                "skipped: ../shared/kfp-sdk/install.sh is absent (the real KFP SDK 2.15.2, installed offline)");
        Path venv = Path.of("target", "kfp-venv").toAbsolutePath();
        Files.createDirectories(venv.getParent());
        try (FileChannel ch = FileChannel.open(venv.getParent().resolve("kfp-venv.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            if (!Files.exists(venv.resolve(".relay-ok"))) {
                Process p = new ProcessBuilder(shared.resolve("kfp-sdk/install.sh").toString(), venv.toString())
                        .redirectErrorStream(true).redirectOutput(venv.getParent().resolve("kfp-venv.log").toFile()).start();
                assumeTrue(p.waitFor() == 0, "skipped: installing the KFP SDK failed, see target/kfp-venv.log");
                Files.writeString(venv.resolve(".relay-ok"), "");
            }
        }
        return venv;
    }
}
