package dev.relay.functions.kfp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import dev.relay.functions.TestSupport;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * KFP's v2beta1 API over HTTP in the shapes {@code kfp_server_api} 2.15.2 sends and reads, with
 * KFP v1 graph pipelines (runnable today): pipelines and versions, experiments, runs to completion,
 * terminate, recurring runs, errors.
 */
@QuarkusTest
class KfpApiTest {
    static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Inject Backend backend;

    static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonNode json(Response r) throws Exception {
        return Json.MAPPER.readTree(r.asString());
    }

    static Response upload(String name, String yaml) {
        return given().multiPart("uploadfile", "pipeline.yaml", yaml.getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .queryParam("name", name).queryParam("description", "the seed").post("/apis/v2beta1/pipelines/upload");
    }

    static String filter(String key, String value) {
        return "{\"predicates\": [{\"operation\": 1, \"key\": \"" + key + "\", \"stringValue\": \"" + value + "\"}]}";
    }

    /** Polls GET /apis/v2beta1/runs/{id} until the state is final. */
    static JsonNode await(String runId) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            Response r = given().get("/apis/v2beta1/runs/" + runId);
            assertEquals(200, r.statusCode(), r.asString());
            JsonNode run = json(r);
            if (List.of("SUCCEEDED", "FAILED", "SKIPPED", "CANCELED").contains(run.path("state").asText())) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " did not finish");
    }

    @Test
    void healthz() {
        given().get("/apis/v2beta1/healthz").then().statusCode(200).body("multi_user", equalTo(false));
    }

    @Test
    void uploadListVersionsAndRunAVersionToCompletion() throws Exception {
        String name = unique("random-sum");
        String seed = TestSupport.seedYaml();
        Response up = upload(name, seed);
        up.then().statusCode(200).body("display_name", equalTo(name)).body("pipeline_id", matchesPattern(UUID_RE))
                .body("description", equalTo("the seed"));
        String pid = up.jsonPath().getString("pipeline_id");
        upload(name, seed).then().statusCode(409).body("code", equalTo(6)).body("message", containsString("name"));

        given().get("/apis/v2beta1/pipelines/" + pid).then().statusCode(200).body("display_name", equalTo(name));
        given().get("/apis/v2beta1/pipelines/names/" + name).then().statusCode(200).body("pipeline_id", equalTo(pid));
        given().queryParam("filter", filter("display_name", name)).get("/apis/v2beta1/pipelines")
                .then().statusCode(200).body("pipelines.size()", equalTo(1)).body("total_size", equalTo(1))
                .body("pipelines[0].pipeline_id", equalTo(pid));

        given().multiPart("uploadfile", "v2.yaml", (seed + "\n# v2\n").getBytes(StandardCharsets.UTF_8))
                .queryParam("name", "v2").queryParam("pipelineid", pid).post("/apis/v2beta1/pipelines/upload_version")
                .then().statusCode(200).body("pipeline_id", equalTo(pid)).body("display_name", equalTo("v2"));
        Response versions = given().queryParam("sort_by", "created_at desc").get("/apis/v2beta1/pipelines/" + pid + "/versions");
        versions.then().statusCode(200).body("pipeline_versions.size()", equalTo(2)).body("total_size", equalTo(2))
                .body("pipeline_versions[0].display_name", equalTo("v2"));
        String vid = versions.jsonPath().getString("pipeline_versions[0].pipeline_version_id");
        given().get("/apis/v2beta1/pipelines/" + pid + "/versions/" + vid).then().statusCode(200)
                .body("pipeline_spec.name", equalTo("random-sum"));
        given().queryParam("page_size", "1").get("/apis/v2beta1/pipelines/" + pid + "/versions").then().statusCode(200)
                .body("pipeline_versions.size()", equalTo(1)).body("next_page_token", equalTo("1"));

        String exp = given().contentType("application/json").body("{\"display_name\": \"" + unique("exp") + "\"}")
                .post("/apis/v2beta1/experiments").then().statusCode(200).extract().path("experiment_id");
        String body = "{\"display_name\": \"seed run\", \"experiment_id\": \"" + exp + "\", \"pipeline_version_reference\":"
                + " {\"pipeline_id\": \"" + pid + "\", \"pipeline_version_id\": \"" + vid + "\"},"
                + " \"runtime_config\": {\"parameters\": {\"count\": 5}}}";
        Response created = given().contentType("application/json").body(body).post("/apis/v2beta1/runs");
        created.then().statusCode(200).body("experiment_id", equalTo(exp)).body("display_name", equalTo("seed run"));
        String runId = created.jsonPath().getString("run_id");
        JsonNode run = await(runId);
        assertEquals("SUCCEEDED", run.path("state").asText(), run.toString());
        assertEquals(pid, run.path("pipeline_version_reference").path("pipeline_id").asText());
        assertEquals(vid, run.path("pipeline_version_reference").path("pipeline_version_id").asText());
        assertEquals("5", run.path("runtime_config").path("parameters").path("count").asText());
        JsonNode tasks = run.path("run_details").path("task_details");
        assertEquals(3, tasks.size(), tasks.toString());
        for (JsonNode t : tasks) {
            assertEquals("SUCCEEDED", t.path("state").asText(), t.toString());
            assertTrue(t.hasNonNull("start_time") && t.hasNonNull("end_time"), t.toString());
        }

        given().queryParam("experiment_id", exp).get("/apis/v2beta1/runs").then().statusCode(200)
                .body("runs.size()", equalTo(1)).body("runs[0].run_id", equalTo(runId));
        given().post("/apis/v2beta1/runs/" + runId + ":archive").then().statusCode(200);
        given().get("/apis/v2beta1/runs/" + runId).then().body("storage_state", equalTo("ARCHIVED"));
        given().queryParam("experiment_id", exp).queryParam("filter", filter("storage_state", "AVAILABLE"))
                .get("/apis/v2beta1/runs").then().statusCode(200).body("runs.size()", equalTo(0));

        Response art = given().get("/apis/v2beta1/runs/" + runId + "/nodes/gen/artifacts/numbers:read");
        art.then().statusCode(200);
        String numbers = new String(Base64.getDecoder().decode(art.jsonPath().getString("data")), StandardCharsets.UTF_8);
        assertEquals(5, numbers.trim().split("\\s+").length, numbers);
        Response log = given().get("/apis/v2beta1/runs/" + runId + "/tasks/print/logs");
        log.then().statusCode(200).body("live", equalTo(false)).body("attempt", equalTo(1));
        assertFalse(log.jsonPath().getString("text").isBlank());

        given().delete("/apis/v2beta1/pipelines/" + pid).then().statusCode(400).body("code", equalTo(9));
        given().delete("/apis/v2beta1/runs/" + runId).then().statusCode(200);
        given().get("/apis/v2beta1/runs/" + runId).then().statusCode(404).body("code", equalTo(5));
    }

    /** A .zip holding one entry. */
    static byte[] zip(String entry, String content) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bytes)) {
            z.putNextEntry(new java.util.zip.ZipEntry(entry));
            z.write(content.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void aKfp1PackageIsStoredAsUploadedListedAndRuns() throws Exception {
        String workflow = java.nio.file.Files.readString(TestSupport.repo().resolve("runner/src/test/resources/argo/sum.workflow.yaml"));
        byte[] pkg = zip("pipeline.yaml", workflow);
        String name = unique("sum-zip");
        Response up = given().multiPart("uploadfile", "sum.zip", pkg, "application/zip").queryParam("name", name)
                .post("/apis/v2beta1/pipelines/upload");
        up.then().statusCode(200).body("display_name", equalTo(name));
        String pid = up.jsonPath().getString("pipeline_id");
        given().queryParam("filter", filter("display_name", name)).get("/apis/v2beta1/pipelines").then().statusCode(200)
                .body("pipelines[0].pipeline_id", equalTo(pid));
        Response versions = given().get("/apis/v2beta1/pipelines/" + pid + "/versions");
        versions.then().statusCode(200).body("pipeline_versions.size()", equalTo(1))
                .body("pipeline_versions[0].package_url.pipeline_url", org.hamcrest.Matchers.endsWith("/pipeline.zip"));
        String vid = versions.jsonPath().getString("pipeline_versions[0].pipeline_version_id");
        String url = versions.jsonPath().getString("pipeline_versions[0].package_url.pipeline_url");
        String key = url.substring(url.indexOf("/pipelines/") + 1);
        assertTrue(java.util.Arrays.equals(pkg, backend.store().get(key).orElseThrow()), "stored as uploaded: " + key);
        assertTrue(backend.store().stat(key.replace("pipeline.zip", "pipeline.yaml")).isEmpty(), "not renamed to .yaml");
        given().get("/apis/v2beta1/pipelines/" + pid + "/versions/" + vid).then().statusCode(200)
                .body("pipeline_spec.kind", equalTo("Workflow"));
        String body = "{\"display_name\": \"zip run\", \"pipeline_version_reference\": {\"pipeline_id\": \"" + pid
                + "\", \"pipeline_version_id\": \"" + vid + "\"}, \"runtime_config\": {\"parameters\": {\"count\": 3}}}";
        Response created = given().contentType("application/json").body(body).post("/apis/v2beta1/runs");
        created.then().statusCode(200);
        JsonNode run = await(created.jsonPath().getString("run_id"));
        assertEquals("SUCCEEDED", run.path("state").asText(), run.toString());
        // the same package as a second version, and Relay's own API listing it
        given().multiPart("uploadfile", "sum.zip", pkg, "application/zip").queryParam("name", "again").queryParam("pipelineid", pid)
                .post("/apis/v2beta1/pipelines/upload_version").then().statusCode(200);
        given().get("/apis/v2beta1/pipelines/" + pid + "/versions").then().statusCode(200).body("pipeline_versions.size()", equalTo(2));
    }

    @Test
    void experimentsDefaultFilterArchiveDelete() {
        given().queryParam("filter", filter("display_name", "Default")).get("/apis/v2beta1/experiments")
                .then().statusCode(200).body("experiments.size()", equalTo(1))
                .body("experiments[0].experiment_id", matchesPattern(UUID_RE));
        String name = unique("exp");
        String id = given().contentType("application/json").body("{\"display_name\": \"" + name + "\", \"description\": \"d\"}")
                .post("/apis/v2beta1/experiments").then().statusCode(200).body("storage_state", equalTo("AVAILABLE"))
                .extract().path("experiment_id");
        given().contentType("application/json").body("{\"display_name\": \"" + name + "\"}").post("/apis/v2beta1/experiments")
                .then().statusCode(409).body("code", equalTo(6));
        given().queryParam("filter", filter("display_name", name)).get("/apis/v2beta1/experiments")
                .then().body("experiments[0].experiment_id", equalTo(id)).body("experiments[0].description", equalTo("d"));
        given().post("/apis/v2beta1/experiments/" + id + ":archive").then().statusCode(200);
        given().get("/apis/v2beta1/experiments/" + id).then().body("storage_state", equalTo("ARCHIVED"));
        given().post("/apis/v2beta1/experiments/" + id + ":unarchive").then().statusCode(200);
        given().get("/apis/v2beta1/experiments/" + id).then().body("storage_state", equalTo("AVAILABLE"));
        given().delete("/apis/v2beta1/experiments/" + id).then().statusCode(200);
        given().get("/apis/v2beta1/experiments/" + id).then().statusCode(404).body("code", equalTo(5))
                .body("message", containsString("experiment_id"));
    }

    static String inlineRun(String yaml, String params) {
        JsonNode spec = Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(yaml));
        return "{\"display_name\": \"inline\", \"pipeline_spec\": " + spec + ", \"runtime_config\": {\"parameters\": " + params + "}}";
    }

    @Test
    void anInlineSpecRunsInTheDefaultExperiment() throws Exception {
        Response r = given().contentType("application/json").body(inlineRun(TestSupport.ECHO, "{\"text\": \"hi there\"}"))
                .post("/apis/v2beta1/runs");
        r.then().statusCode(200);
        JsonNode run = await(r.jsonPath().getString("run_id"));
        assertEquals("SUCCEEDED", run.path("state").asText(), run.toString());
        String def = given().queryParam("filter", filter("display_name", "Default")).get("/apis/v2beta1/experiments")
                .jsonPath().getString("experiments[0].experiment_id");
        assertEquals(def, run.path("experiment_id").asText());
        assertEquals("echo", run.path("pipeline_spec").path("name").asText());
    }

    @Test
    void taskDetailsAreATreeOfTheRunsTaskPaths() throws Exception {
        Response r = given().contentType("application/json").body(inlineRun(TestSupport.ECHO, "{\"text\": \"tree\"}"))
                .post("/apis/v2beta1/runs");
        String runId = r.jsonPath().getString("run_id");
        await(runId);
        // a loop's objects as task paths lay them out: the DAG task's own status, one iteration's attempt
        String tasks = "runs/" + runId + "/tasks/";
        backend.store().put(tasks + "for-loop-2/status.json", ("{\"phase\": \"Succeeded\", \"startedAt\": \"2026-12-01T10:00:00.000Z\","
                + " \"finishedAt\": \"2026-12-01T10:00:05.000Z\"}").getBytes(StandardCharsets.UTF_8));
        backend.store().put(tasks + "for-loop-2/0/print-op/attempts/1/status.json", ("{\"runId\": \"" + runId + "\", \"task\":"
                + " \"for-loop-2/0/print-op\", \"attempt\": 1, \"phase\": \"Failed\", \"exitCode\": 3, \"message\": \"boom\","
                + " \"startedAt\": \"2026-12-01T10:00:01.000Z\", \"finishedAt\": \"2026-12-01T10:00:02.000Z\", \"outputs\": {}}")
                .getBytes(StandardCharsets.UTF_8));
        JsonNode details = json(given().get("/apis/v2beta1/runs/" + runId)).path("run_details").path("task_details");
        Map<String, JsonNode> byId = new java.util.LinkedHashMap<>();
        details.forEach(t -> byId.put(t.path("task_id").asText(), t));
        assertEquals(List.of(runId + "-echo", runId + "-for-loop-2", runId + "-for-loop-2.0", runId + "-for-loop-2.0.print-op"),
                List.copyOf(byId.keySet()), details.toString());
        JsonNode loop = byId.get(runId + "-for-loop-2");
        assertEquals("SUCCEEDED", loop.path("state").asText());
        assertEquals("2026-12-01T10:00:05.000Z", loop.path("end_time").asText());
        assertEquals(runId + "-for-loop-2.0", loop.path("child_tasks").get(0).path("task_id").asText());
        JsonNode iteration = byId.get(runId + "-for-loop-2.0");
        assertEquals("iteration-0", iteration.path("display_name").asText());
        assertEquals(runId + "-for-loop-2", iteration.path("parent_task_id").asText());
        assertEquals("FAILED", iteration.path("state").asText(), "an iteration without a status of its own takes its children's");
        JsonNode leaf = byId.get(runId + "-for-loop-2.0.print-op");
        assertEquals("print-op", leaf.path("display_name").asText());
        assertEquals("FAILED", leaf.path("state").asText());
        assertEquals("boom", leaf.path("error").path("message").asText());
        assertEquals(0, leaf.path("child_tasks").size());
        assertTrue(byId.get(runId + "-echo").path("parent_task_id").isMissingNode());
        // a nested task's log and output by its path
        backend.store().put(tasks + "for-loop-2/0/print-op/attempts/1/log.txt", "item 0\n".getBytes(StandardCharsets.UTF_8));
        given().get("/apis/v2beta1/runs/" + runId + "/tasks/for-loop-2/0/print-op/logs").then().statusCode(200)
                .body("text", equalTo("item 0\n")).body("live", equalTo(false)).body("attempt", equalTo(1));
    }

    @Test
    void badRequestsGetKfpErrorsNamingTheField() {
        int before = backend.store().list("runs/", false).size();
        given().contentType("application/json").body("{\"pipeline_version_reference\": {\"pipeline_id\": \"" + UUID.randomUUID() + "\"}}")
                .post("/apis/v2beta1/runs").then().statusCode(404).body("code", equalTo(5))
                .body("message", containsString("pipeline_id")).body("details.size()", equalTo(0));
        given().contentType("application/json").body("{\"pipeline_spec\": {\"name\": \"x\", \"implementation\": 7}}")
                .post("/apis/v2beta1/runs").then().statusCode(400).body("code", equalTo(3))
                .body("message", containsString("pipeline_spec"));
        String required = "name: need\ninputs: [{name: must}]\nimplementation: {container: {image: a, command: [echo, {inputValue: must}]}}\n";
        given().contentType("application/json").body(inlineRun(required, "{}")).post("/apis/v2beta1/runs")
                .then().statusCode(400).body("code", equalTo(3)).body("message", containsString("runtime_config.parameters"))
                .body("message", containsString("must"));
        given().contentType("application/json").body("{\"display_name\": \"x\"}").post("/apis/v2beta1/runs")
                .then().statusCode(400).body("message", containsString("pipeline_spec"));
        given().contentType("application/json").body("{nope").post("/apis/v2beta1/runs")
                .then().statusCode(400).body("code", equalTo(3)).body("message", containsString("not JSON"));
        given().queryParam("filter", "{\"predicates\": [{\"operation\": \"EQUALS\", \"key\": \"colour\", \"string_value\": \"x\"}]}")
                .get("/apis/v2beta1/experiments").then().statusCode(400).body("message", containsString("filter"))
                .body("message", containsString("colour"));
        given().queryParam("filter", "not json").get("/apis/v2beta1/runs").then().statusCode(400)
                .body("message", containsString("filter"));
        given().get("/apis/v2beta1/pipelines/" + UUID.randomUUID()).then().statusCode(404).body("message", containsString("pipeline_id"));
        given().multiPart("uploadfile", "bad.yaml", "name: [unclosed".getBytes(StandardCharsets.UTF_8)).queryParam("name", unique("bad"))
                .post("/apis/v2beta1/pipelines/upload").then().statusCode(400).body("message", containsString("uploadfile"));
        given().contentType("application/json").body("{\"display_name\": \"r\", \"pipeline_spec\": {\"name\": \"e\"},"
                        + " \"trigger\": {\"periodic_schedule\": {\"interval_second\": 0}}}")
                .post("/apis/v2beta1/recurringruns").then().statusCode(400).body("message", containsString("interval_second"));
        assertEquals(before, backend.store().list("runs/", false).size(), "no bad request wrote a run");
    }

    @Test
    void terminateEndsTheRunningProcessAndTheRunIsCanceled() throws Exception {
        String token = "relay-kfp-terminate-" + UUID.randomUUID();
        String sleeper = "name: sleeper\ninputs: [{name: token}]\nimplementation: {container: {image: python:3.11,"
                + " command: [python3, -c, 'import time; time.sleep(600)', {inputValue: token}]}}\n";
        Response r = given().contentType("application/json").body(inlineRun(sleeper, "{\"token\": \"" + token + "\"}"))
                .post("/apis/v2beta1/runs");
        r.then().statusCode(200);
        String runId = r.jsonPath().getString("run_id");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (processes(token).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(processes(token).isEmpty(), "the task's process started");
        Response live = given().get("/apis/v2beta1/runs/" + runId + "/tasks/sleeper/logs");
        live.then().statusCode(200).body("live", equalTo(true));
        given().post("/apis/v2beta1/runs/" + runId + ":terminate").then().statusCode(200);
        JsonNode run = await(runId);
        assertEquals("CANCELED", run.path("state").asText(), run.toString());
        assertEquals("CANCELED", run.path("run_details").path("task_details").get(0).path("state").asText());
        deadline = System.nanoTime() + 30_000_000_000L;
        while (!processes(token).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(processes(token).isEmpty(), "the process is gone");
        given().post("/apis/v2beta1/runs/" + runId + ":terminate").then().statusCode(200);
    }

    /**
     * A task that sleeps for ten minutes on its first attempt only: it leaves the file {@code marker}
     * and, when that file exists, ends at once (exit 0). {@code token} names its processes.
     */
    static final String SLEEP_ONCE = "name: sleeper\ninputs: [{name: token}, {name: marker}]\nimplementation: {container:"
            + " {image: python:3.11, command: [python3, -c, 'import os, sys, time; m = sys.argv[2]; first = not os.path.exists(m);"
            + " open(m, \"a\").close(); time.sleep(600 if first else 0)', {inputValue: token}, {inputValue: marker}]}}\n";

    @Test
    void retryAfterTerminateRunsTheCanceledTaskAgainToSuccess() throws Exception {
        String token = "relay-kfp-retry-" + UUID.randomUUID();
        java.nio.file.Path marker = java.nio.file.Files.createTempDirectory("kfp-retry").resolve("slept");
        Response r = given().contentType("application/json").body(inlineRun(SLEEP_ONCE, "{\"token\": \"" + token
                + "\", \"marker\": \"" + marker + "\"}")).post("/apis/v2beta1/runs");
        r.then().statusCode(200);
        String runId = r.jsonPath().getString("run_id");
        given().post("/apis/v2beta1/runs/" + runId + ":retry").then().statusCode(400).body("code", equalTo(9))
                .body("message", containsString("run_id")).body("message", containsString("still running"));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (processes(token).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(processes(token).isEmpty(), "the task's process started");
        given().post("/apis/v2beta1/runs/" + runId + ":terminate").then().statusCode(200);
        assertEquals("CANCELED", await(runId).path("state").asText());
        deadline = System.nanoTime() + 30_000_000_000L;
        while (!processes(token).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(processes(token).isEmpty(), "the process is gone");

        given().post("/apis/v2beta1/runs/" + runId + ":retry").then().statusCode(200);

        JsonNode run = await(runId);
        assertEquals("SUCCEEDED", run.path("state").asText(), run.toString());
        JsonNode task = run.path("run_details").path("task_details").get(0);
        assertEquals("SUCCEEDED", task.path("state").asText(), task.toString());
        given().get("/apis/v2beta1/runs/" + runId + "/tasks/sleeper/logs").then().statusCode(200).body("attempt", equalTo(2));
        given().post("/apis/v2beta1/runs/" + runId + ":retry").then().statusCode(400).body("code", equalTo(9))
                .body("message", containsString("nothing to retry"));
        given().post("/apis/v2beta1/runs/" + "r-no-such-run" + ":retry").then().statusCode(404).body("code", equalTo(5))
                .body("message", containsString("run_id"));
        // KFP 1.8's client: POST /apis/v1beta1/runs/{id}/retry on the same service
        given().post("/apis/v1beta1/runs/" + runId + "/retry").then().statusCode(400).body("error_message", containsString("run_id"));
    }

    static List<ProcessHandle> processes(String token) {
        List<ProcessHandle> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.info().commandLine().orElse("").contains(token) || p.info().arguments().map(a -> String.join(" ", a))
                    .orElse("").contains(token)) {
                out.add(p);
            }
        });
        return out;
    }

    @Test
    void aRecurringRunFiresEveryIntervalUntilDisabled() throws Exception {
        String exp = given().contentType("application/json").body("{\"display_name\": \"" + unique("sched") + "\"}")
                .post("/apis/v2beta1/experiments").then().statusCode(200).extract().path("experiment_id");
        JsonNode spec = Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(TestSupport.ECHO));
        String body = "{\"display_name\": \"every second\", \"experiment_id\": \"" + exp + "\", \"pipeline_spec\": " + spec
                + ", \"runtime_config\": {\"parameters\": {\"text\": \"tick\"}}, \"mode\": \"ENABLE\", \"max_concurrency\": 2,"
                + " \"trigger\": {\"periodic_schedule\": {\"interval_second\": 1}}}";
        Response created = given().contentType("application/json").body(body).post("/apis/v2beta1/recurringruns");
        created.then().statusCode(200).body("status", equalTo("ENABLED")).body("max_concurrency", equalTo("2"))
                .body("trigger.periodic_schedule.interval_second", equalTo("1"));
        String id = created.jsonPath().getString("recurring_run_id");
        try {
            fireTwiceThenDisable(exp, id);
        } finally {
            given().delete("/apis/v2beta1/recurringruns/" + id); // never left firing in the state dir
        }
        given().get("/apis/v2beta1/recurringruns/" + id).then().statusCode(404);
    }

    private void fireTwiceThenDisable(String exp, String id) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        int fired = 0;
        while (System.nanoTime() < deadline && (fired = runsOf(exp).size()) < 2) {
            Thread.sleep(200);
        }
        assertTrue(fired >= 2, "fired " + fired + " times");
        given().post("/apis/v2beta1/recurringruns/" + id + ":disable").then().statusCode(200);
        given().get("/apis/v2beta1/recurringruns/" + id).then().body("status", equalTo("DISABLED")).body("mode", equalTo("DISABLE"));
        Thread.sleep(1500); // a tick in flight when disabled may still start one run
        int atStop = runsOf(exp).size();
        Thread.sleep(3000);
        assertEquals(atStop, runsOf(exp).size(), "no run after disable");
        for (String runId : runsOf(exp)) {
            JsonNode run = json(given().get("/apis/v2beta1/runs/" + runId));
            assertEquals(id, run.path("recurring_run_id").asText());
            assertEquals("schedule", backend.store().get("runs/" + runId + "/run.json")
                    .map(b -> Json.read(b, JsonNode.class, "run.json").path("cause").path("kind").asText()).orElse(""));
        }
        given().queryParam("experiment_id", exp).get("/apis/v2beta1/recurringruns").then().statusCode(200)
                .body("recurringRuns.size()", equalTo(1));
    }

    @Test
    void aPingSourcesPingFiresTheDueRunsOfItsSchedule() throws Exception {
        String exp = given().contentType("application/json").body("{\"display_name\": \"" + unique("ping") + "\"}")
                .post("/apis/v2beta1/experiments").then().statusCode(200).extract().path("experiment_id");
        JsonNode spec = Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(TestSupport.ECHO));
        // fire times from 2100 on: the in-process ticker never reaches them, only the pings below do
        String body = "{\"display_name\": \"pinged\", \"experiment_id\": \"" + exp + "\", \"pipeline_spec\": " + spec
                + ", \"runtime_config\": {\"parameters\": {\"text\": \"ping\"}}, \"max_concurrency\": 2, \"trigger\":"
                + " {\"periodic_schedule\": {\"interval_second\": 60, \"start_time\": \"2100-01-01T00:00:00Z\"}}}";
        String id = given().contentType("application/json").body(body).post("/apis/v2beta1/recurringruns")
                .then().statusCode(200).extract().path("recurring_run_id");
        try {
            CloudEvent ping = io.cloudevents.core.builder.CloudEventBuilder.v1().withId("ping-1")
                    .withType("dev.knative.sources.ping").withSource(java.net.URI.create("/apis/v1/namespaces/relay/pingsources/x"))
                    .withTime(java.time.OffsetDateTime.parse("2100-01-01T00:02:00Z")).withDataContentType("application/json")
                    .withData(("{\"scheduleId\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).build();
            TestSupport.Answer a = TestSupport.post(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                    + io.restassured.RestAssured.port + "/"), ping, false, Map.of());
            assertEquals(200, a.status(), a.body());
            JsonNode fired = a.json().path("fired");
            assertEquals(2, fired.size(), "00:01 and 00:02 are due at the ping of 00:02: " + a.body());
            assertEquals("2100-01-01T00:01:00.000Z", fired.get(0).path("fireTime").asText());
            for (JsonNode f : fired) {
                String runId = f.path("runId").asText();
                assertEquals(id, json(given().get("/apis/v2beta1/runs/" + runId)).path("recurring_run_id").asText());
                assertEquals("schedule", backend.store().get("runs/" + runId + "/run.json")
                        .map(b -> Json.read(b, JsonNode.class, "run.json").path("cause").path("kind").asText()).orElse(""));
            }
            TestSupport.Answer again = TestSupport.post(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                    + io.restassured.RestAssured.port + "/"), ping, true, Map.of());
            assertEquals(0, again.json().path("fired").size(), "a repeated ping fires nothing twice: " + again.body());
            given().post("/apis/v2beta1/recurringruns/" + id + ":disable").then().statusCode(200);
            CloudEvent later = io.cloudevents.core.builder.CloudEventBuilder.v1(ping).withId("ping-2")
                    .withTime(java.time.OffsetDateTime.parse("2100-01-01T00:05:00Z")).build();
            TestSupport.Answer disabled = TestSupport.post(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                    + io.restassured.RestAssured.port + "/"), later, false, Map.of());
            assertEquals(0, disabled.json().path("fired").size(), disabled.body());
        } finally {
            given().delete("/apis/v2beta1/recurringruns/" + id);
        }
        CloudEvent unknown = io.cloudevents.core.builder.CloudEventBuilder.v1().withId("ping-3").withType("dev.knative.sources.ping")
                .withSource(java.net.URI.create("/p")).withDataContentType("application/json")
                .withData(("{\"scheduleId\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8)).build();
        assertEquals(404, TestSupport.post(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                + io.restassured.RestAssured.port + "/"), unknown, false, Map.of()).status());
    }

    static List<String> runsOf(String exp) throws Exception {
        JsonNode list = json(given().queryParam("experiment_id", exp).queryParam("page_size", "100").get("/apis/v2beta1/runs"));
        List<String> out = new ArrayList<>();
        list.path("runs").forEach(r -> out.add(r.path("run_id").asText()));
        return out;
    }
}
