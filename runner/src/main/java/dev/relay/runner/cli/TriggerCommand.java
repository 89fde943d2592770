package dev.relay.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.eventing.EventFormatException;
import dev.relay.eventing.s3.S3CloudEvents;
import dev.relay.eventing.trigger.MissingValueException;
import dev.relay.eventing.trigger.Trigger;
import dev.relay.eventing.trigger.TriggerEvent;
import dev.relay.eventing.trigger.TriggerException;
import dev.relay.eventing.trigger.TriggerLoader;
import dev.relay.eventing.trigger.TriggerMatcher;
import dev.relay.runner.run.Json;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relay trigger ...}: work with Relay triggers (CONTRACTS.md "Triggers"). */
@Command(name = "trigger", description = "Work with Relay triggers.", subcommands = TriggerCommand.Test.class)
public final class TriggerCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * {@code relay trigger test TRIGGER.yaml EVENT.json [--json]}: a dry run with no state (no
     * dedupe). EVENT is a structured CloudEvent or a MinIO/S3 notification (its first record that
     * matches, else the first record's verdict). Prints {@code {"match","reason","parameters"}};
     * exit 0 on a match, 1 on none, 2 on an error (a bad file, a missing mapped value, named).
     */
    @Command(name = "test", description = "Dry-run a trigger against an event: would it start a run, with which parameters?")
    public static final class Test implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TRIGGER.yaml") Path triggerFile;
        @Parameters(index = "1", paramLabel = "EVENT.json", description = "a structured CloudEvent or a MinIO/S3 notification") Path eventFile;
        @Option(names = "--json", description = "print one JSON document on stdout") boolean json;
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Trigger trigger;
            List<CloudEvent> events;
            try {
                trigger = TriggerLoader.load(triggerFile);
                events = readEvents(eventFile);
            } catch (TriggerException e) {
                e.errors().forEach(err::println);
                return 2;
            } catch (IOException | RuntimeException e) {
                err.println(eventFile + ": " + e.getMessage());
                return 2;
            }
            TriggerMatcher.Result verdict = null;
            try {
                for (CloudEvent ce : events) {
                    TriggerMatcher.Result r = TriggerMatcher.match(trigger, TriggerEvent.of(ce));
                    if (verdict == null || r.matched()) {
                        verdict = r;
                    }
                    if (r.matched()) {
                        break;
                    }
                }
            } catch (MissingValueException e) {
                err.println(triggerFile + ": " + e.getMessage());
                if (json) {
                    ObjectNode doc = Json.MAPPER.createObjectNode().put("match", false).put("reason", e.getMessage());
                    doc.putObject("parameters");
                    doc.put("field", e.field());
                    out.println(Json.pretty(doc));
                }
                return 2;
            }
            if (verdict == null) {
                verdict = new TriggerMatcher.Result(false, "the notification holds no records", java.util.Map.of());
            }
            if (json) {
                ObjectNode doc = Json.MAPPER.createObjectNode().put("match", verdict.matched()).put("reason", verdict.reason());
                ObjectNode p = doc.putObject("parameters");
                verdict.parameters().forEach(p::put);
                out.println(Json.pretty(doc));
            } else {
                out.println((verdict.matched() ? "match: " : "no match: ") + verdict.reason());
                verdict.parameters().forEach((k, v) -> out.println("  " + k + " = " + v));
            }
            out.flush();
            return verdict.matched() ? 0 : 1;
        }

        /** A structured CloudEvent (has {@code specversion}) or a MinIO/S3 notification. */
        static List<CloudEvent> readEvents(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode tree;
            try {
                tree = Json.MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new EventFormatException("not JSON: " + e.getMessage());
            }
            if (tree != null && tree.has("specversion")) {
                return List.of(EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(bytes));
            }
            return S3CloudEvents.toCloudEvents(bytes);
        }
    }
}
