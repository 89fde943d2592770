package dev.relay.functions.ui;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.TestSupport;
import dev.relay.runner.contract.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web UI in headless Chromium against the embedded app on a random port, on runs of the
 * tests' own pipeline ({@code src/test/resources/ui/viz-pipeline.yaml}) and of the seed example.
 * Every test ends with a screenshot ({@code target/ui-screenshots/<test>.png}) and fails on any
 * error in the browser console.
 */
@QuarkusTest
class UiBrowserTest {
    static final Path FIXTURE = Path.of("src/test/resources/ui/viz-pipeline.yaml");

    static Browser browser;
    static String runA;
    static String runB;

    @TestHTTPResource("/") URI root;
    @jakarta.inject.Inject dev.relay.functions.app.Backend backend;
    String shot;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void name(TestInfo info) {
        shot = info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void screenshotAndConsole() throws Exception {
        if (browser == null) {
            return;
        }
        browser.screenshot(shot);
        List<String> errors = browser.consoleErrors();
        assertTrue(errors.isEmpty(), "browser console errors on " + shot + ": " + errors);
    }

    static String start(String params) throws Exception {
        String yaml = Files.readString(FIXTURE);
        String body = "{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(yaml) + "},\"parameters\":" + params + "}";
        return given().contentType("application/json").body(body).post("/api/v1/runs").then().statusCode(201)
                .extract().jsonPath().getString("runId");
    }

    static JsonNode await(String runId) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode view = Json.MAPPER.readTree(given().get("/api/v1/runs/" + runId).asString());
            if (view.hasNonNull("finishedAt")) {
                return view;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " did not finish");
    }

    /** Two finished runs of the fixture that differ in {@code shift} (started once for the class). */
    synchronized void twoRuns() throws Exception {
        if (runA == null) {
            String a = start("{\"shift\":\"0.0\",\"ticks\":\"1\",\"label\":\"alpha\"}");
            String b = start("{\"shift\":\"0.4\",\"ticks\":\"1\",\"label\":\"beta\"}");
            assertEquals("Succeeded", await(a).path("phase").asText());
            assertEquals("Succeeded", await(b).path("phase").asText());
            runA = a;
            runB = b;
        }
    }

    String url(String hash) {
        return root.toString().replaceAll("/$", "") + "/" + hash;
    }

    @Test
    void runsListShowsRunsWithStateAndMetricColumns() throws Exception {
        twoRuns();
        browser.open(url("#/runs"));
        // the table is drawn again when the runs' names arrive: rows are read by selector, not kept
        String row = browser.text("tr[data-run='" + runA + "']");
        browser.find("tr[data-run='" + runB + "']");
        assertTrue(row.contains("Succeeded"), row);
        assertTrue(row.contains("ui-viz"), row);
        List<String> heads = browser.until(10, d -> browser.all("table.runs th").stream().map(WebElement::getText).toList());
        assertTrue(heads.stream().anyMatch(h -> h.startsWith("accuracy")), "metric column: " + heads);
        assertTrue(row.contains("80.00%"), "accuracy as a percentage: " + row);
        // filter narrows to one run
        browser.find("#runs-filter").sendKeys(runB);
        browser.until(10, d -> browser.all("tr[data-run='" + runA + "']").isEmpty());
        assertEquals(1, browser.all("tr[data-run]").size());
    }

    @Test
    void runsListShowsKfpNamesAndExperimentsAndPages() throws Exception {
        twoRuns();
        String expName = "ui-list-exp-" + Long.toHexString(System.nanoTime());
        String exp = given().contentType("application/json").body("{\"display_name\": \"" + expName + "\"}")
                .post("/apis/v2beta1/experiments").then().statusCode(200).extract().path("experiment_id");
        JsonNode spec = Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(TestSupport.ECHO));
        String run = given().contentType("application/json").body("{\"display_name\": \"named in kfp\", \"experiment_id\": \"" + exp
                + "\", \"pipeline_spec\": " + spec + ", \"runtime_config\": {\"parameters\": {\"text\": \"hi\"}}}")
                .post("/apis/v2beta1/runs").then().statusCode(200).extract().path("run_id");
        await(run);
        // the index learns of the run from the bucket's notifications, a moment after the bucket
        browser.until(30, d -> given().get("/api/v1/runs").asString().contains("\"" + run + "\"") ? true : null);
        browser.open("about:blank"); // the page may be on #/runs already: a fresh load
        browser.open(url("#/runs"));
        browser.until(20, d -> {
            String row = browser.text("tr[data-run='" + run + "']");
            return row.contains("named in kfp (" + run + ")") && row.contains(expName);
        });
        // the filter finds it by experiment name (names of every run are loaded after the first page)
        browser.find("#runs-filter").sendKeys(expName);
        browser.until(10, d -> browser.all("tr[data-run]").size() == 1);
        assertEquals(run, browser.find("tr[data-run]").getAttribute("data-run"));
        browser.find("#runs-filter").clear();
        browser.js("const f = document.getElementById('runs-filter'); f.value = ''; f.dispatchEvent(new Event('input'));");
        // pages: 20 rows a page, the count names them all
        new org.openqa.selenium.support.ui.Select(browser.find("#runs-size")).selectByVisibleText("20");
        int total = Integer.parseInt(browser.find("#runs-count").getText().replaceAll(" of .*", ""));
        assertTrue(total >= 3, "at least the two fixture runs and this one: " + total);
        browser.until(10, d -> browser.all("tr[data-run]").size() == Math.min(20, total));
        assertEquals("page 1 of " + ((total + 19) / 20), browser.find("#runs-page").getText());
    }

    @Test
    void runGraphShowsEveryTaskWithItsState() throws Exception {
        twoRuns();
        browser.open(url("#/runs/details/" + runA));
        for (String task : List.of("report", "slow", "summary")) {
            WebElement n = browser.find("svg.graph g.node[data-path='" + task + "']");
            assertEquals("Succeeded", n.getAttribute("data-state"), task);
        }
        assertEquals(3, browser.all("svg.graph g.node").size());
        assertEquals(1, browser.all("svg.graph path.edge").size(), "slow -> summary");
        browser.find("svg.graph g.node[data-path='report']").click();
        WebElement panel = browser.find("#panel #task-state");
        assertEquals("Succeeded", panel.getAttribute("data-state"));
        browser.until(20, d -> browser.find("#log").getText().contains("report written for alpha"));
    }

    @Test
    void everyVisualizationTypeIsRendered() throws Exception {
        twoRuns();
        browser.open(url("#/runs/details/" + runA));
        browser.find("svg.graph");
        browser.find(".tabs button[data-tab='output']").click();
        // table: cells, paged (30 rows, 20 a page) and sortable
        WebElement table = browser.find("#tab-output .viz-table table.viz-table");
        assertEquals(List.of("name", "square", "parity"), table.findElements(By.cssSelector("th")).stream()
                .map(e -> e.getText().replaceAll("[ ▴▾]", "")).toList());
        assertEquals(20, table.findElements(By.cssSelector("tbody tr")).size());
        assertEquals("row1", table.findElement(By.cssSelector("tbody tr td")).getText());
        browser.find("#tab-output .viz-table th[data-i='1']").click();
        browser.find("#tab-output .viz-table th[data-i='1']").click();
        assertEquals("900", browser.find("#tab-output .viz-table tbody tr td:nth-child(2)").getText(), "sorted descending");
        // confusion matrix: labels and counts
        WebElement cm = browser.find("#tab-output table.viz-cm");
        assertEquals(List.of("cat", "dog"), cm.findElements(By.cssSelector("th.label.col")).stream().map(WebElement::getText).toList());
        assertEquals(List.of("cat", "dog"), cm.findElements(By.cssSelector("th.label.row")).stream().map(WebElement::getText).toList());
        assertEquals(List.of("11", "2", "3", "17"), cm.findElements(By.cssSelector("td.count")).stream().map(WebElement::getText).toList());
        // ROC: a canvas drawn by Chart.js with one curve
        WebElement roc = browser.find("#tab-output .chart-box.roc");
        assertEquals("1", roc.getAttribute("data-curves"));
        browser.until(10, d -> (Boolean) browser.js("const c = arguments[0].querySelector('canvas'); return !!(c && Chart.getChart(c));", roc));
        assertEquals(2L, browser.js("return Chart.getChart(arguments[0].querySelector('canvas')).data.datasets.length;", roc),
                "one curve and the diagonal");
        // markdown: rendered and sanitized
        WebElement h1 = browser.find("#tab-output .viz-markdown .markdown h1");
        assertEquals("Report heading alpha", h1.getText());
        assertTrue(browser.all("#tab-output .viz-markdown script").isEmpty(), "the script was sanitized away");
        assertEquals(null, browser.js("return window.bad === undefined ? null : window.bad;"));
        // HTML: in a sandboxed iframe, as srcdoc
        WebElement frame = browser.find("#tab-output iframe.viz-html");
        assertEquals("allow-scripts", frame.getAttribute("sandbox"));
        assertTrue(frame.getAttribute("srcdoc").contains("inside the iframe"));
        browser.driver.switchTo().frame(frame);
        assertEquals("inside the iframe", browser.find("#inside").getText());
        browser.driver.switchTo().defaultContent();
        // TensorBoard: the log dir and the command
        assertEquals("tensorboard --logdir gs://ui-test-bucket/tb/logs", browser.find("#tab-output .tensorboard code.cmd").getText());
        // the invalid entry shows the index's error, not a blank
        String err = browser.find("#tab-output .viz-error").getText();
        assertTrue(err.contains("entry 6") && err.contains("labels"), err);
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("window.scrollTo(0, 0)");
    }

    @Test
    void aRunningTasksLogGrows() throws Exception {
        String run = start("{\"shift\":\"0.1\",\"ticks\":\"14\",\"label\":\"slow\"}");
        browser.open(url("#/runs/details/" + run));
        browser.find("svg.graph g.node[data-path='slow']").click();
        String first = browser.until(30, d -> {
            String t = browser.find("#log").getText();
            return t.contains("tick 2 of 14") ? t : null;
        });
        assertFalse(first.contains("tick 14 of 14"), "seen while the task still ran: " + first);
        assertEquals("Running", browser.find("#task-state").getAttribute("data-state"));
        String later = browser.until(30, d -> {
            String t = browser.find("#log").getText();
            return t.contains("tick 14 of 14") ? t : null;
        });
        assertTrue(later.startsWith(first.strip()), "the log grew by appending");
        assertTrue(later.length() > first.length());
        browser.until(30, d -> "Succeeded".equals(browser.find("svg.graph g.node[data-path='summary']").getAttribute("data-state")));
    }

    @Test
    void compareTwoRuns() throws Exception {
        twoRuns();
        browser.open(url("#/compare?runlist=" + runA + "," + runB));
        WebElement diff = browser.find("table.compare-params tr.diff");
        assertTrue(diff.getText().startsWith("label"), diff.getText());
        assertEquals(2, browser.all("table.compare-params tr.diff").size(), "label and shift differ, ticks not");
        WebElement metrics = browser.find("table.compare-metrics");
        assertTrue(metrics.getText().contains("accuracy"), metrics.getText());
        assertTrue(metrics.getText().contains("(+4.00%)"), metrics.getText());
        WebElement roc = browser.find("#compare-roc .chart-box.roc");
        assertEquals("2", roc.getAttribute("data-curves"));
        browser.until(10, d -> (Boolean) browser.js("const c = arguments[0].querySelector('canvas'); return !!(c && Chart.getChart(c));", roc));
        assertEquals(3L, browser.js("return Chart.getChart(arguments[0].querySelector('canvas')).data.datasets.length;", roc),
                "a curve per run and the diagonal");
        browser.find("#metric-chart canvas");
    }

    @Test
    void uploadAPackageAndStartARunFromItsForm() throws Exception {
        String name = "ui-upload-" + Long.toHexString(System.nanoTime());
        browser.open(url("#/pipelines"));
        browser.find("#upload-file").sendKeys(FIXTURE.toAbsolutePath().toString());
        browser.find("#upload-name").sendKeys(name);
        browser.find("#upload-form button[type='submit']").click();
        browser.until(30, d -> d.getCurrentUrl().contains("#/pipelines/details/"));
        browser.find("svg.graph g.node[data-path='summary']");
        browser.find(".tabs button[data-tab='run']").click();
        WebElement shift = browser.find("#param-shift");
        assertEquals("float", shift.getAttribute("data-type"));
        assertEquals("integer", browser.find("#param-ticks").getAttribute("data-type"));
        assertTrue(browser.find("[data-param='shift'] .help").getText().contains("Moves the ROC curve"));
        shift.clear();
        shift.sendKeys("abc");
        WebElement ticks = browser.find("#param-ticks");
        ticks.clear();
        ticks.sendKeys("2.5");
        browser.find("#run-submit").click();
        assertEquals("expected a number", browser.find("[data-param='shift'] .field-error").getText());
        assertEquals("expected an integer", browser.find("[data-param='ticks'] .field-error").getText());
        assertTrue(browser.driver.getCurrentUrl().contains("#/pipelines/details/"), "not submitted");
        shift.clear();
        shift.sendKeys("0.2");
        ticks.clear();
        ticks.sendKeys("3");
        browser.find("#run-submit").click();
        String run = browser.until(30, d -> {
            Matcher m = Pattern.compile("#/runs/details/([-a-z0-9]+)").matcher(d.getCurrentUrl());
            return m.find() ? m.group(1) : null;
        });
        JsonNode view = await(run);
        assertEquals("Succeeded", view.path("phase").asText(), view.toString());
        assertEquals("0.2", view.path("parameters").path("shift").asText());
        assertEquals("3", view.path("parameters").path("ticks").asText());
        browser.until(30, d -> "Succeeded".equals(browser.find("svg.graph g.node[data-path='summary']").getAttribute("data-state")));
    }

    @Test
    void randomSumUploadedThroughTheUiAndStartedWithCountSeven() throws Exception {
        Path dir = TestSupport.repo().resolve("examples/random-sum");
        String files = String.join("\n", Arrays.asList(dir.resolve("pipeline.yaml").toString(),
                dir.resolve("generate.component.yaml").toString(), dir.resolve("sum.component.yaml").toString(),
                dir.resolve("print.component.yaml").toString()));
        String name = "random-sum-ui-" + Long.toHexString(System.nanoTime());
        browser.open(url("#/pipelines"));
        browser.find("#upload-file").sendKeys(files);
        browser.find("#upload-name").sendKeys(name);
        browser.find("#upload-form button[type='submit']").click();
        browser.until(30, d -> d.getCurrentUrl().contains("#/pipelines/details/"));
        browser.find(".tabs button[data-tab='run']").click();
        WebElement count = browser.find("#param-count");
        assertEquals("integer", count.getAttribute("data-type"));
        assertTrue(browser.find("[data-param='count'] .help").getText().contains("Enter count of number"));
        count.clear();
        count.sendKeys("7");
        browser.find("#run-submit").click();
        String run = browser.until(30, d -> {
            Matcher m = Pattern.compile("#/runs/details/([-a-z0-9]+)").matcher(d.getCurrentUrl());
            return m.find() ? m.group(1) : null;
        });
        assertEquals("Succeeded", await(run).path("phase").asText());
        browser.until(30, d -> "Succeeded".equals(browser.find("svg.graph g.node[data-path='print']").getAttribute("data-state")));
        browser.find("svg.graph g.node[data-path='gen']").click();
        String genLog = browser.until(30, d -> {
            String t = browser.find("#log").getText();
            return t.contains("generated") ? t : null;
        });
        Matcher m = Pattern.compile("generated 7 numbers: ((?:-?\\d+ ?){7})").matcher(genLog);
        assertTrue(m.find(), genLog);
        long sum = Arrays.stream(m.group(1).trim().split(" ")).mapToLong(Long::parseLong).sum();
        assertEquals(7, m.group(1).trim().split(" ").length);
        browser.find("svg.graph g.node[data-path='print']").click();
        browser.until(30, d -> browser.find("#panel-title").getText().equals("print")
                && browser.find("#log").getText().strip().equals(Long.toString(sum)));
    }

    /**
     * A file parameter: the form uploads the chosen file (POST /api/v1/uploads) and passes it as
     * {@code {"uri": "s3://…"}} in the run request; the task reads it as its file input. The last
     * part needs the server side of issue 13's artifact references (helper "doors"): until the run
     * API takes them, it refuses the object parameter, and the test checks the upload and stops there
     * (skipped, with that reason).
     */
    @Test
    void aFileParameterIsUploadedFromTheFormAndReachesTheTaskAsItsFile() throws Exception {
        Path csv = Files.createTempFile("ui-rows-", ".csv");
        Files.writeString(csv, "name,value\na,1\nb,2\nc,3\n");
        String name = "ui-count-rows-" + Long.toHexString(System.nanoTime());
        browser.open(url("#/pipelines"));
        browser.find("#upload-file").sendKeys(TestSupport.repo().resolve("examples/triggers/pipelines/count-rows.yaml").toString());
        browser.find("#upload-name").sendKeys(name);
        browser.find("#upload-form button[type='submit']").click();
        browser.until(30, d -> d.getCurrentUrl().contains("#/pipelines/details/"));
        browser.find(".tabs button[data-tab='run']").click();
        assertEquals("artifact", browser.find("#param-dataset").getAttribute("data-type"), "a CSV input is a file");
        browser.find("#param-dataset-file").sendKeys(csv.toString());
        WebElement version = browser.find("#param-dataset_version");
        version.clear();
        version.sendKeys("ui-upload");
        browser.find("#run-submit").click();
        String outcome = browser.until(60, d -> {
            Matcher m = Pattern.compile("#/runs/details/([-a-z0-9]+)").matcher(d.getCurrentUrl());
            if (m.find()) {
                return m.group(1);
            }
            // not browser.find: it waits 30 s for the element, which the navigation to the run's page removes
            List<WebElement> errs = d.findElements(org.openqa.selenium.By.cssSelector("#run-error"));
            String err = errs.isEmpty() ? "" : errs.get(0).getText();
            return err.contains("must be a string") ? "refused: " + err : null;
        });
        if (outcome.startsWith("refused: ")) {
            // the upload happened and the request named it; the run API does not take the reference yet
            String uri = browser.find("[data-param='dataset']").getAttribute("data-uploaded");
            assertTrue(uri != null && uri.startsWith(backend.store().uri("uploads/")) && uri.endsWith("/" + csv.getFileName()), uri);
            assertEquals(Files.readString(csv), new String(backend.store().get(uri.substring(backend.store().uri("").length()))
                    .orElseThrow(), java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(outcome.contains("parameters.dataset"), outcome);
            List<String> errors = browser.consoleErrors();
            assertTrue(errors.stream().allMatch(e -> e.contains("/api/v1/runs") && e.contains("422")), "only the refusal: " + errors);
            Files.deleteIfExists(csv);
            org.junit.jupiter.api.Assumptions.abort("the run API does not take {\"uri\"} artifact references yet"
                    + " (issue 13, helper doors); the upload was checked: " + outcome);
        }
        JsonNode view = await(outcome);
        assertEquals("Succeeded", view.path("phase").asText(), view.toString());
        String dataset = view.path("parameters").path("dataset").toString();
        assertTrue(dataset.contains("uploads/") && dataset.contains(csv.getFileName().toString()),
                "the parameter names the uploaded object: " + dataset);
        browser.until(30, d -> "Succeeded".equals(browser.find("svg.graph g.node[data-path='count']").getAttribute("data-state")));
        browser.find("svg.graph g.node[data-path='count']").click();
        browser.until(30, d -> browser.find("#log").getText().contains("dataset version ui-upload: 3 rows"));
        Files.deleteIfExists(csv);
    }

    /**
     * A KFP 1.x compiled package ({@code .tar.gz} holding an Argo Workflow with a {@code withItems}
     * loop) uploaded through the UI: its graph preview, a run
     * from its form, the loop's task drawn once with ×3 and its iterations' nested paths
     * ({@code for-loop-1/1/print}) in the side panel, with inputs followed up to the run parameter.
     */
    @Test
    void anArgoPackagesGraphAndRunWithALoopsIterations() throws Exception {
        String name = "ui-argo-" + Long.toHexString(System.nanoTime());
        // as `dsl-compile --output x.tar.gz` writes it: one pipeline.yaml in a gzipped tar
        Path pkg = Files.createTempDirectory("ui-argo-").resolve("withitems.tar.gz");
        byte[] workflow = Files.readAllBytes(TestSupport.repo().resolve("runner/src/test/resources/argo/withitems.workflow.yaml"));
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(Files.newOutputStream(pkg)))) {
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("pipeline.yaml");
            entry.setSize(workflow.length);
            tar.putArchiveEntry(entry);
            tar.write(workflow);
            tar.closeArchiveEntry();
        }
        browser.open(url("#/pipelines"));
        browser.find("#upload-file").sendKeys(pkg.toString());
        browser.find("#upload-name").sendKeys(name);
        browser.find("#upload-form button[type='submit']").click();
        browser.until(30, d -> d.getCurrentUrl().contains("#/pipelines/details/"));
        WebElement loop = browser.find("svg.graph g.group[data-path='for-loop-1']");
        assertEquals("loop", loop.getAttribute("data-kind"));
        browser.find("svg.graph g.node[data-path='for-loop-1/print']");
        browser.find(".tabs button[data-tab='run']").click();
        WebElement greeting = browser.find("#param-greeting");
        greeting.clear();
        greeting.sendKeys("hello");
        browser.find("#run-submit").click();
        String run = browser.until(30, d -> {
            Matcher m = Pattern.compile("#/runs/details/([-a-z0-9]+)").matcher(d.getCurrentUrl());
            return m.find() ? m.group(1) : null;
        });
        assertEquals("Succeeded", await(run).path("phase").asText());
        WebElement print = browser.find("svg.graph g.node[data-path='for-loop-1/print']");
        browser.until(30, d -> "Succeeded".equals(print.getAttribute("data-state")) && print.getText().contains("×3"));
        print.click();
        WebElement iteration = browser.find("#iteration");
        assertEquals(List.of("for-loop-1/0/print", "for-loop-1/1/print", "for-loop-1/2/print"),
                iteration.findElements(By.cssSelector("option")).stream().map(WebElement::getText).toList());
        new org.openqa.selenium.support.ui.Select(iteration).selectByVisibleText("for-loop-1/1/print");
        browser.until(30, d -> browser.find("#log").getText().contains("hello 2 y"));
        // the input greeting: the loop group's input, from the run parameter
        WebElement in = browser.find("#panel tr[data-input='greeting']");
        assertEquals("hello", in.findElement(By.cssSelector(".value")).getText());
        assertTrue(in.findElement(By.cssSelector(".source")).getText().contains("run parameter greeting"), in.getText());
    }

    /**
     * Conditions as groups and skipped tasks marked (a KFP 1.x package's {@code when}): the group
     * whose condition holds ran, the other's task is Skipped; an input from an upstream output can
     * be previewed from the side panel.
     */
    @Test
    void conditionGroupsAndSkippedTasksAreMarked() throws Exception {
        String yaml = Files.readString(TestSupport.repo().resolve("runner/src/test/resources/argo/when.workflow.yaml"));
        String run = given().contentType("application/json").body("{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(yaml)
                + "},\"parameters\":{}}").post("/api/v1/runs").then().statusCode(201).extract().jsonPath().getString("runId");
        assertEquals("Succeeded", await(run).path("phase").asText());
        browser.open(url("#/runs/details/" + run));
        browser.until(30, d -> "Succeeded".equals(browser.find("svg.graph g.node[data-path='condition-1/heads']").getAttribute("data-state")));
        assertEquals("Skipped", browser.find("svg.graph g.node[data-path='condition-2/tails']").getAttribute("data-state"));
        WebElement skippedGroup = browser.find("svg.graph g.group[data-path='condition-2']");
        assertTrue(skippedGroup.getAttribute("class").contains("state-Skipped"), skippedGroup.getAttribute("class"));
        assertEquals("condition", browser.find("svg.graph g.group[data-path='condition-1']").getAttribute("data-kind"));
        browser.find("svg.graph g.node[data-path='condition-1/heads']").click();
        WebElement in = browser.find("#panel tr[data-input='text']");
        // the group's input pick-output is pick's output parameter "output" (KFP 1.x names it pick-output in the workflow)
        assertTrue(in.getText().contains("condition-1 input pick-output ← output output of pick"), in.getText());
        assertTrue(in.findElement(By.cssSelector("code.uri")).getText().endsWith("/tasks/pick/outputs/output"), in.getText());
        in.findElement(By.cssSelector("a.preview")).click();
        browser.until(20, d -> browser.find("#panel tr[data-input='text'] pre.artifact-preview").getText().strip().equals("heads"));
    }

    /** A KFP v2 cache hit is marked on the graph ("cached") and in the side panel; the first run's task is not. */
    @Test
    void aCachedTaskIsMarked() throws Exception {
        Path countdir = Files.createTempDirectory("ui-cache-");
        String yaml = Files.readString(TestSupport.repo().resolve("runner/src/test/resources/v2run/cached.yaml"));
        // a word of its own: the test state dir outlives a build, and an earlier build's run would be a cache hit
        String params = "{\"countdir\":" + Json.MAPPER.valueToTree(countdir.toString()) + ",\"word\":\"w" + Long.toHexString(System.nanoTime()) + "\"}";
        String[] runs = new String[2];
        for (int i = 0; i < 2; i++) {
            runs[i] = given().contentType("application/json").body("{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(yaml)
                    + "},\"parameters\":" + params + "}").post("/api/v1/runs").then().statusCode(201).extract().jsonPath().getString("runId");
            assertEquals("Succeeded", await(runs[i]).path("phase").asText());
        }
        assertEquals(1, Files.readAllLines(countdir.resolve("starts")).size(), "the second run started no process");
        browser.open(url("#/runs/details/" + runs[1]));
        browser.until(30, d -> "cached".equals(browser.text("svg.graph g.node[data-path='produce'] text.mark")));
        assertEquals("", browser.text("svg.graph g.node[data-path='consume'] text.mark"), "consume does not cache");
        browser.find("svg.graph g.node[data-path='produce']").click();
        browser.until(20, d -> browser.text("#task-state").contains("(cached)"));
        browser.open(url("#/runs/details/" + runs[0]));
        browser.find("svg.graph g.node[data-path='produce'][data-state='Succeeded']");
        assertEquals("", browser.text("svg.graph g.node[data-path='produce'] text.mark"), "the first run ran it");
    }

    /** The side panel's log of every attempt: a task that fails once and succeeds on its retry. */
    @Test
    void theLogOfEveryAttemptIsSelectable() throws Exception {
        Path marker = Files.createTempDirectory("ui-retry-").resolve("marker");
        String yaml = Files.readString(TestSupport.repo().resolve("runner/src/test/resources/argo/retry.workflow.yaml"));
        String run = given().contentType("application/json").body("{\"pipeline\":{\"inline\":" + Json.MAPPER.valueToTree(yaml)
                + "},\"parameters\":{\"marker\":" + Json.MAPPER.valueToTree(marker.toString()) + "}}")
                .post("/api/v1/runs").then().statusCode(201).extract().jsonPath().getString("runId");
        assertEquals("Succeeded", await(run).path("phase").asText());
        browser.open(url("#/runs/details/" + run));
        browser.find("svg.graph g.node[data-path='flaky']").click();
        browser.until(30, d -> browser.find("#log").getText().contains("second attempt"));
        WebElement pick = browser.find("#attempt-pick");
        assertEquals(List.of("2 (latest)", "1"), pick.findElements(By.cssSelector("option")).stream().map(WebElement::getText).toList());
        new org.openqa.selenium.support.ui.Select(pick).selectByValue("1");
        browser.until(30, d -> browser.find("#log").getText().contains("first attempt fails"));
        assertFalse(browser.find("#log").getText().contains("second attempt"));
        new org.openqa.selenium.support.ui.Select(browser.find("#attempt-pick")).selectByValue("2");
        browser.until(30, d -> browser.find("#log").getText().contains("second attempt"));
    }

    /**
     * The run page's Cancel and Retry buttons: a task that sleeps on its first attempt only (it
     * leaves {@code marker} and, when that file exists, ends at once) is canceled from the page
     * (run and task Canceled, its processes gone), then retried from the page to Succeeded.
     */
    @Test
    void cancelAndRetryButtonsEndAndRerunATask() throws Exception {
        Path marker = Files.createTempDirectory("ui-cancel-").resolve("slept");
        String sleeper = "name: sleeper\ninputs: [{name: marker}]\nimplementation: {container: {image: alpine, command: [sh, -c,"
                + " 'if [ -e \"$0\" ]; then echo second attempt; else touch \"$0\"; echo start; sleep 60; fi', {inputValue: marker}]}}\n";
        JsonNode spec = Json.MAPPER.valueToTree(new org.yaml.snakeyaml.Yaml().load(sleeper));
        String run = given().contentType("application/json").body("{\"display_name\": \"ui cancel\", \"pipeline_spec\": " + spec
                + ", \"runtime_config\": {\"parameters\": {\"marker\": " + Json.MAPPER.valueToTree(marker.toString()) + "}}}")
                .post("/apis/v2beta1/runs").then().statusCode(200).extract().path("run_id");
        browser.open(url("#/runs/details/" + run));
        browser.until(60, d -> "Running".equals(browser.find("svg.graph g.node[data-path='sleeper']").getAttribute("data-state")));
        browser.find("svg.graph g.node[data-path='sleeper']").click();
        browser.until(30, d -> "Running".equals(browser.find("#task-state").getAttribute("data-state")));
        assertEquals("true", browser.find("#retry-btn").getAttribute("disabled"), "nothing to retry while it runs");
        // the task's shell (its command line names the marker) and what it forked
        List<ProcessHandle> procs = browser.until(30, d -> {
            List<ProcessHandle> l = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                    .contains(marker.toString())).toList();
            return l.isEmpty() || !Files.exists(marker) ? null : l;
        });
        List<ProcessHandle> tree = new java.util.ArrayList<>(procs);
        procs.forEach(p -> p.descendants().forEach(tree::add));

        browser.find("#cancel-btn").click();
        browser.until(30, d -> "Canceled".equals(browser.find("svg.graph g.node[data-path='sleeper']").getAttribute("data-state")));
        browser.until(30, d -> browser.text("#run-state").contains("Canceled"));
        browser.until(30, d -> "Canceled".equals(browser.find("#task-state").getAttribute("data-state")));
        assertEquals("Canceled", given().get("/api/v1/runs/" + run).jsonPath().getString("phase"));
        browser.until(30, d -> tree.stream().noneMatch(ProcessHandle::isAlive));
        assertEquals("true", browser.find("#cancel-btn").getAttribute("disabled"), "a canceled run cannot be canceled");

        browser.find("#retry-btn").click();
        // the page follows the retried run on its own (no reload): a second attempt that succeeds
        browser.until(60, d -> "Succeeded".equals(browser.find("svg.graph g.node[data-path='sleeper']").getAttribute("data-state")));
        browser.until(30, d -> browser.text("#run-state").contains("Succeeded"));
        browser.until(30, d -> "Succeeded".equals(browser.find("#task-state").getAttribute("data-state")));
        browser.until(30, d -> browser.find("#log").getText().contains("second attempt"));
        JsonNode view = await(run);
        assertEquals("Succeeded", view.path("phase").asText(), view.toString());
        assertEquals("true", browser.find("#retry-btn").getAttribute("disabled"), "nothing to retry once it succeeded");
    }

    @Test
    void everyPageLoadsWithoutConsoleErrors() throws Exception {
        twoRuns();
        given().contentType("application/json").body("{\"display_name\":\"ui-exp-" + System.nanoTime() + "\"}")
                .post("/apis/v2beta1/experiments").then().statusCode(200);
        for (String[] p : new String[][] {{"#/runs", "table.runs"}, {"#/pipelines", "table.pipelines"},
                {"#/experiments", "table.experiments"}, {"#/recurringruns", "table.recurring"}, {"#/triggers", "#triggers"},
                {"#/compare?runlist=" + runA, "table.compare-metrics"}, {"#/runs/details/" + runB, "svg.graph"}}) {
            browser.open(url(p[0]));
            browser.find(p[1]);
            assertTrue(browser.consoleErrors().isEmpty(), p[0]);
        }
        browser.find("header nav a[data-nav='experiments']").click();
        browser.find("table.experiments a").click();
        browser.find("#runs table.runs");
        assertNotNull(browser.find("link[rel='icon']"));
        assertEquals(200, given().get("/favicon.ico").statusCode());
        assertEquals(200, given().get("/favicon.svg").statusCode());
    }
}
