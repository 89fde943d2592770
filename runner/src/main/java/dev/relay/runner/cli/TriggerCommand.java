package dev.relay.runner.cli;

import dev.relay.eventing.input.SafeFiles;
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
import dev.relay.runner.k8s.KnativeTriggers;
import dev.relay.runner.k8s.Manifests;
import dev.relay.runner.k8s.TriggerApplier;
import dev.relay.runner.contract.Json;
import io.fabric8.knative.client.KnativeClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relay trigger ...}: work with Relay triggers (docs/contracts.md "Triggers"). */
@Command(name = "trigger", description = "Work with Relay triggers.",
        subcommands = {TriggerCommand.Test.class, TriggerCommand.Render.class, TriggerCommand.Apply.class})
public final class TriggerCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Prints usage: a subcommand is expected. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Options {@code render} and {@code apply} share, and the loading both do first. */
    static final class Cluster {
        @Option(names = "--namespace", paramLabel = "NS", description = "Namespace of the Broker and the Triggers (default: relay).")
        String namespace = KnativeTriggers.NAMESPACE;

        @Option(names = "--dir", paramLabel = "TRIGGERS_DIR", description = "The Relay trigger files (default: RELAY_TRIGGERS_DIR, else ./triggers).")
        Path dir;

        @Option(names = "--s3-source-prefix", paramLabel = "PREFIX",
                description = "CloudEvent source of object events up to the bucket, eventSource.region. "
                        + "(default: minio:s3.., MinIO's empty region; AWS: aws:s3.us-east-1.).")
        String s3SourcePrefix = KnativeTriggers.DEFAULT_S3_SOURCE_PREFIX;

        @Option(names = "--new-filters",
                description = "Emit spec.filters (exact + subject prefix/suffix) instead of spec.filter.attributes; needs "
                        + "Knative Eventing's new-trigger-filters feature.")
        boolean newFilters;

        /**
         * The rendered Knative Triggers, or null after printing why there are none: invalid trigger
         * files ({@code FILE:LINE:COL: message}), bad options or a missing folder (exit 2 for all).
         */
        List<io.fabric8.knative.eventing.v1.Trigger> load(Map<String, String> env, PrintWriter err) {
            Path folder = dir != null ? dir : Path.of(env.getOrDefault("RELAY_TRIGGERS_DIR", "triggers"));
            try {
                KnativeTriggers.Options options = new KnativeTriggers.Options(namespace, s3SourcePrefix, newFilters);
                if (!Files.isDirectory(folder)) {
                    err.println("relay: " + folder + " is not a folder of trigger files; pass --dir TRIGGERS_DIR or set RELAY_TRIGGERS_DIR");
                    return null;
                }
                return KnativeTriggers.render(TriggerLoader.loadAll(folder), options);
            } catch (TriggerException e) {
                e.errors().forEach(err::println);
                return null;
            } catch (KnativeTriggers.NameClashException e) {
                err.println(e.getMessage());
                return null;
            } catch (IllegalArgumentException e) {
                err.println("relay: " + e.getMessage());
                return null;
            } finally {
                err.flush();
            }
        }
    }

    /**
     * {@code relay trigger render}: prints the Knative Triggers of the Relay triggers as one YAML
     * stream, for {@code kubectl apply -f -}. Exit 0, or 2 for invalid trigger files or options.
     */
    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Print the Knative Triggers of the Relay triggers as YAML (for kubectl apply -f -).")
    public static final class Render implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin Cluster cluster = new Cluster();

        /** Renders; see the class comment for exit codes. */
        @Override
        public Integer call() {
            var objects = cluster.load(System.getenv(), spec.commandLine().getErr());
            if (objects == null) {
                return 2;
            }
            spec.commandLine().getOut().print(Manifests.toYaml(KnativeTriggers.toJson(objects)));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /**
     * {@code relay trigger apply}: creates or updates one Knative Trigger per Relay trigger (per
     * event of an upload trigger) in the current kube context; with {@code --prune} deletes Relay's
     * Knative Triggers whose Relay trigger is gone. Exit 0 done; 1 the cluster refused or a name is
     * taken by a Trigger Relay does not manage; 2 invalid trigger files or options (nothing applied).
     */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create or update the Knative Triggers of the Relay triggers (never deletes and recreates).")
    public static final class Apply implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin Cluster cluster = new Cluster();

        @Option(names = "--prune", description = "Also delete Knative Triggers labelled relay.dev/trigger that no Relay trigger renders any more.")
        boolean prune;

        private final Supplier<KubernetesClient> clients;
        private final Map<String, String> env;

        /** Uses the current kube context (~/.kube/config, KUBECONFIG, or the in-cluster account). */
        public Apply() {
            this(() -> new KubernetesClientBuilder().build(), System.getenv());
        }

        /**
         * @param clients makes the client to apply with (tests pass the mock server's)
         * @param env     the environment ({@code RELAY_TRIGGERS_DIR})
         */
        Apply(Supplier<KubernetesClient> clients, Map<String, String> env) {
            this.clients = clients;
            this.env = env;
        }

        /** Loads and renders everything first, then applies; see the class comment for exit codes. */
        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            var objects = cluster.load(env, err);
            if (objects == null) {
                return 2;
            }
            try (KubernetesClient client = clients.get()) {
                TriggerApplier.apply(client.adapt(KnativeClient.class), cluster.namespace, objects, prune, spec.commandLine().getOut());
                return 0;
            } catch (TriggerApplier.ConflictException e) {
                err.println("relay: " + e.getMessage());
                return 1;
            } catch (KubernetesClientException e) {
                String hint = e.getCode() == 404 ? " (is Knative Eventing installed? does namespace " + cluster.namespace + " exist?)" : "";
                err.println("relay: cannot apply the Knative Triggers: " + e.getMessage() + hint);
                return 1;
            } finally {
                err.flush();
            }
        }
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
            byte[] bytes = SafeFiles.read(file);
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
