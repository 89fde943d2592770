package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's side of the KFP API work: {@code relay logs} (all tasks prefixed, one task raw,
 * {@code -f} following a running task to the end), {@code relay runs watch},
 * {@code relay experiments} and {@code relay schedules} over the state dir.
 */
class KfpCliTest {
    static final Path REPO = Path.of(System.getProperty("relay.repo.dir", "..")).toAbsolutePath().normalize();

    @TempDir Path state;

    String run(Path pipeline, String... params) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", pipeline.toString(), "--state-dir",
                state.toString(), "--json"));
        for (String p : params) {
            args.add("-p");
            args.add(p);
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return Json.MAPPER.readTree(r.out()).get("runId").asText();
    }

    @Test
    void logsAndWatchOfAFinishedRun() throws Exception {
        String runId = run(REPO.resolve("examples/random-sum/pipeline.yaml"), "count=3");
        Cli all = Cli.run("logs", runId, "--state-dir", state.toString());
        assertEquals(0, all.exit(), all.err());
        assertTrue(all.out().lines().anyMatch(l -> l.startsWith("[print] ")), all.out());
        assertTrue(all.out().lines().allMatch(l -> l.matches("\\[(gen|sum|print)\\] .*")), all.out());
        Cli one = Cli.run("logs", runId, "print", "--state-dir", state.toString());
        assertEquals(0, one.exit(), one.err());
        assertTrue(all.out().contains("[print] " + one.out().lines().findFirst().orElseThrow()), one.out());
        Cli missing = Cli.run("logs", runId, "nope", "--state-dir", state.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no task 'nope'") && missing.err().contains("gen"), missing.err());
        assertEquals(2, Cli.run("logs", "Not_A_Run", "--state-dir", state.toString()).exit());

        Cli watch = Cli.run("runs", "watch", runId, "--state-dir", state.toString());
        assertEquals(0, watch.exit(), watch.err());
        assertTrue(watch.out().contains("run " + runId + " Succeeded"), watch.out());
        assertTrue(watch.out().lines().anyMatch(l -> l.startsWith("sum ") && l.contains("Succeeded")), watch.out());
        Cli json = Cli.run("runs", "watch", runId, "--json", "--state-dir", state.toString());
        JsonNode last = Json.MAPPER.readTree(json.out().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("Succeeded", last.path("phase").asText());
    }

    @Test
    void logsFollowARunningTaskUntilTheRunEnds() throws Exception {
        Path gate = state.resolve("gate");
        Path pipeline = state.resolve("slow.yaml");
        Files.writeString(pipeline, "name: slow\ninputs: [{name: gate}]\nimplementation:\n  container:\n    image: alpine\n"
                + "    command: [sh, -c, 'echo before; while [ ! -e \"$0\" ]; do sleep 0.1; done; echo after', {inputValue: gate}]\n");
        CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> {
            try {
                return run(pipeline, "gate=" + gate);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path runs = state.resolve("work");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String runId = null;
        while (runId == null && System.nanoTime() < deadline) {
            if (Files.isDirectory(runs)) {
                try (var s = Files.list(runs)) {
                    runId = s.map(p -> p.getFileName().toString()).findFirst().orElse(null);
                }
            }
            Thread.sleep(50);
        }
        assertTrue(runId != null, "the run started");
        String id = runId;
        CompletableFuture<Cli> follow = CompletableFuture.supplyAsync(() -> Cli.run("logs", id, "slow", "-f", "--state-dir",
                state.toString()));
        Thread.sleep(500); // let the follower read "before" while the task still runs (not asserted on time)
        Files.writeString(gate, "");
        assertEquals(id, running.get(90, TimeUnit.SECONDS));
        Cli followed = follow.get(60, TimeUnit.SECONDS);
        assertEquals(0, followed.exit(), followed.err());
        assertEquals("before\nafter\n", followed.out(), "followed to the end, each byte once");
    }

    @Test
    void experimentsAndSchedules() throws Exception {
        Cli created = Cli.run("experiments", "create", "tuning", "--description", "lr sweep", "--state-dir", state.toString());
        assertEquals(0, created.exit(), created.err());
        Cli list = Cli.run("experiments", "list", "--json", "--state-dir", state.toString());
        JsonNode exps = Json.MAPPER.readTree(list.out()).path("experiments");
        assertEquals(2, exps.size(), "Default and tuning: " + list.out());
        assertEquals(1, Cli.run("experiments", "create", "tuning", "--state-dir", state.toString()).exit(), "name taken");
        assertEquals(0, Cli.run("experiments", "archive", "tuning", "--state-dir", state.toString()).exit());
        assertTrue(Cli.run("experiments", "get", "tuning", "--state-dir", state.toString()).out().contains("ARCHIVED"));
        assertEquals(0, Cli.run("experiments", "delete", "tuning", "--state-dir", state.toString()).exit());
        assertEquals(1, Cli.run("experiments", "get", "tuning", "--state-dir", state.toString()).exit());

        assertEquals(0, Cli.run("pipeline", "upload", REPO.resolve("examples/random-sum/pipeline.yaml").toString(), "--name", "seed",
                "--state-dir", state.toString()).exit());
        Cli s = Cli.run("schedules", "create", "hourly", "--pipeline", "seed", "--every", "3600", "-p", "count=2",
                "--max-concurrency", "2", "--json", "--state-dir", state.toString());
        assertEquals(0, s.exit(), s.err());
        JsonNode sched = Json.MAPPER.readTree(s.out()).path("schedule");
        String id = sched.path("scheduleId").asText();
        assertEquals("seed", sched.path("run").path("pipeline").path("name").asText());
        assertEquals("2", sched.path("run").path("parameters").path("count").asText());
        assertEquals(3600, sched.path("trigger").path("intervalSeconds").asInt());
        assertTrue(Cli.run("schedules", "list", "--state-dir", state.toString()).out().contains(id));
        assertTrue(Cli.run("schedules", "disable", id, "--state-dir", state.toString()).out().contains("disabled"));
        assertTrue(Cli.run("schedules", "get", id, "--state-dir", state.toString()).out().contains("disabled"));
        assertEquals(0, Cli.run("schedules", "delete", id, "--state-dir", state.toString()).exit());
        assertEquals(1, Cli.run("schedules", "get", id, "--state-dir", state.toString()).exit());

        Cli both = Cli.run("schedules", "create", "x", "--pipeline", "seed", "--every", "60", "--cron", "* * * * *",
                "--state-dir", state.toString());
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("--every") && both.err().contains("--cron"), both.err());
        Cli badCron = Cli.run("schedules", "create", "x", "--pipeline", "seed", "--cron", "61 * * * *", "--state-dir", state.toString());
        assertEquals(2, badCron.exit(), badCron.err());
        Cli unknown = Cli.run("schedules", "create", "x", "--pipeline", "nope", "--every", "60", "--state-dir", state.toString());
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("no registered pipeline 'nope'"), unknown.err());
    }
}
