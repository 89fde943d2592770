package dev.relay.runner.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.eventing.RelayEventTypes;
import dev.relay.eventing.trigger.Trigger.EventTrigger;
import dev.relay.eventing.trigger.Trigger.UploadTrigger;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilterBuilder;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerBuilder;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relay triggers as Knative Triggers ({@code eventing.knative.dev/v1}) on the Broker
 * {@value #BROKER}, delivering to the Knative Service {@value #SUBSCRIBER} (docs/contracts.md "Names in
 * the cluster"); what {@code relay trigger render|apply} produces.
 *
 * <p>An {@link UploadTrigger} gets one Knative Trigger per event name it listens to, because
 * {@code filter.attributes} is an exact match: type {@code com.amazonaws.s3.ObjectCreated:<event>}
 * and source {@code <s3 source prefix><bucket>} (the bridge's {@code eventSource.awsRegion.bucket},
 * {@code minio:s3..<bucket>} for MinIO). An {@link EventTrigger} gets one, on its type and (when it
 * names one) its source.
 *
 * <p>The default form is {@code spec.filter.attributes}, which every Knative Eventing serves. With
 * {@link Options#newFilters()} the same exact matches go in {@code spec.filters} (the CloudEvents
 * Subscriptions API dialect) together with a {@code prefix} (and {@code suffix}) on the subject, which
 * narrows traffic further. It is opt-in because {@code spec.filters} is a Knative Eventing feature
 * flag ({@code new-trigger-filters} in {@code config-features}, on by default only in recent
 * releases): an Eventing whose Trigger CRD lacks the field prunes it silently, and a Trigger left
 * without filters delivers every event of the Broker. Either way Knative filters see CloudEvent attributes only, never
 * {@code data}, and cannot express a glob: relay-functions checks every condition of the Relay
 * trigger again (annotation {@value #NOTE}).
 */
public final class KnativeTriggers {
    /** The Broker every trigger subscribes to. */
    public static final String BROKER = "relay";
    /** The Knative Service that receives the events. */
    public static final String SUBSCRIBER = "relay-functions";
    /** Default namespace. */
    public static final String NAMESPACE = "relay";
    /** The source of MinIO's events up to the bucket: eventSource {@code minio:s3}, empty region. */
    public static final String DEFAULT_S3_SOURCE_PREFIX = "minio:s3..";
    /** Label with the Relay trigger's name (a DNS-1123 label, so kept as is). */
    public static final String TRIGGER_LABEL = "relay.dev/trigger";
    /** Annotation with the Relay trigger's file name, relative to the triggers folder. */
    public static final String FILE_ANNOTATION = "relay.dev/trigger-file";
    /** Annotation saying what the Knative filters do not check. */
    public static final String NOTE = "relay.dev/filtering";
    /** Every generated name starts so. */
    public static final String NAME_PREFIX = "relay-trigger-";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private KnativeTriggers() {}

    /**
     * How to render.
     *
     * @param namespace      namespace of every Knative Trigger (the Broker's)
     * @param s3SourcePrefix the CloudEvent source of object events up to the bucket, e.g.
     *                       {@value #DEFAULT_S3_SOURCE_PREFIX} or {@code aws:s3.us-east-1.}
     * @param newFilters     emit {@code spec.filters} (exact + prefix/suffix) instead of {@code spec.filter.attributes}
     */
    public record Options(String namespace, String s3SourcePrefix, boolean newFilters) {
        /** Namespace {@value #NAMESPACE}, MinIO's source, {@code filter.attributes}. */
        public static final Options DEFAULT = new Options(NAMESPACE, DEFAULT_S3_SOURCE_PREFIX, false);

        /** @throws IllegalArgumentException naming a namespace or source prefix that cannot work */
        public Options {
            if (namespace == null || !dev.relay.eventing.Dns1123.isLabel(namespace)) {
                throw new IllegalArgumentException("namespace '" + namespace + "' is not a DNS-1123 label");
            }
            if (s3SourcePrefix == null || !s3SourcePrefix.endsWith(".") || s3SourcePrefix.chars().filter(c -> c == '.').count() < 2) {
                throw new IllegalArgumentException("--s3-source-prefix '" + s3SourcePrefix + "' must be eventSource.region. (the "
                        + "bridge's source is eventSource.awsRegion.bucket): minio:s3.. for MinIO (empty region), "
                        + "aws:s3.us-east-1. for AWS");
            }
        }
    }

    /** A rendered Knative Trigger two Relay triggers would share. */
    public static final class NameClashException extends Exception {
        /** @param message {@code FILE:1:1: ...} naming both files */
        public NameClashException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The Knative Triggers of {@code triggers}, in their order (an upload trigger's in its events' order).
     *
     * @throws NameClashException when two of them would get the same name (two files with one trigger name)
     */
    public static List<Trigger> render(List<dev.relay.eventing.trigger.Trigger> triggers, Options options) throws NameClashException {
        List<Trigger> out = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        for (dev.relay.eventing.trigger.Trigger t : triggers) {
            for (Trigger k : render(t, options)) {
                String name = k.getMetadata().getName();
                String other = owners.putIfAbsent(name, t.file());
                if (other != null) {
                    throw new NameClashException(t.file() + ":1:1: trigger '" + t.name() + "' gives the Knative Trigger " + name
                            + ", as does " + other + "; give one of them another metadata.name");
                }
                out.add(k);
            }
        }
        return out;
    }

    /** The Knative Triggers of one Relay trigger. */
    public static List<Trigger> render(dev.relay.eventing.trigger.Trigger trigger, Options options) {
        List<Trigger> out = new ArrayList<>();
        if (trigger instanceof UploadTrigger u) {
            String source = options.s3SourcePrefix() + u.bucket();
            List<String> unchecked = new ArrayList<>();
            if (!options.newFilters() && u.prefix() != null) {
                unchecked.add("prefix " + u.prefix());
            }
            if (!options.newFilters() && u.suffix() != null) {
                unchecked.add("suffix " + u.suffix());
            }
            if (u.glob() != null) {
                unchecked.add("glob " + u.glob());
            }
            for (String event : u.events()) {
                Map<String, String> exact = new LinkedHashMap<>();
                exact.put("type", RelayEventTypes.s3Type("ObjectCreated:" + event));
                exact.put("source", source);
                out.add(trigger(trigger, name(trigger.name(), event), options, exact, u.prefix(), u.suffix(), unchecked));
            }
        } else if (trigger instanceof EventTrigger e) {
            Map<String, String> exact = new LinkedHashMap<>();
            exact.put("type", e.type());
            if (e.source() != null) {
                exact.put("source", e.source());
            }
            List<String> unchecked = new ArrayList<>();
            if (!options.newFilters() && e.subjectPrefix() != null) {
                unchecked.add("subjectPrefix " + e.subjectPrefix());
            }
            if (!e.where().isEmpty()) {
                unchecked.add("where (" + e.where().size() + " condition" + (e.where().size() > 1 ? "s" : "") + " on the event)");
            }
            out.add(trigger(trigger, name(trigger.name(), null), options, exact, e.subjectPrefix(), null, unchecked));
        }
        return out;
    }

    private static Trigger trigger(dev.relay.eventing.trigger.Trigger t, String name, Options options, Map<String, String> exact,
                                   String subjectPrefix, String subjectSuffix, List<String> unchecked) {
        TriggerSpec spec = new TriggerSpec();
        spec.setBroker(BROKER);
        if (options.newFilters()) {
            List<SubscriptionsAPIFilter> filters = new ArrayList<>();
            filters.add(new SubscriptionsAPIFilterBuilder().withExact(exact).build());
            if (subjectPrefix != null) {
                filters.add(new SubscriptionsAPIFilterBuilder().withPrefix(Map.of("subject", subjectPrefix)).build());
            }
            if (subjectSuffix != null) {
                filters.add(new SubscriptionsAPIFilterBuilder().withSuffix(Map.of("subject", subjectSuffix)).build());
            }
            spec.setFilters(filters);
        } else {
            spec.setFilter(new io.fabric8.knative.eventing.v1.TriggerFilter(exact));
        }
        spec.setSubscriber(new io.fabric8.knative.duck.v1.DestinationBuilder().withNewRef()
                .withApiVersion("serving.knative.dev/v1").withKind("Service").withName(SUBSCRIBER).endRef()
                .withAudience(SUBSCRIBER).build());
        String note = "Knative filters see CloudEvent attributes only, never data: " + SUBSCRIBER
                + " checks every condition of Relay trigger '" + t.name() + "' again"
                + (unchecked.isEmpty() ? "" : "; not filtered here: " + String.join(", ", unchecked));
        return new TriggerBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(options.namespace())
                    .addToLabels(JobNames.MANAGED_BY, "relay")
                    .addToLabels(TRIGGER_LABEL, JobNames.labelValue(t.name()))
                    .addToAnnotations(FILE_ANNOTATION, fileName(t.file()))
                    .addToAnnotations(NOTE, note)
                .endMetadata()
                .withSpec(spec)
                .build();
    }

    /**
     * The Knative Trigger's name: {@code relay-trigger-<trigger>[-<event>]}, the event in kebab case
     * ({@code CompleteMultipartUpload} → {@code complete-multipart-upload}), sanitized to DNS-1123;
     * over 63 characters it is cut and ends in {@code -<8 hex of sha256>} of the full name.
     *
     * @param event an upload trigger's event name, or null for an event trigger
     */
    public static String name(String trigger, String event) {
        String full = NAME_PREFIX + trigger + (event == null ? "" : "-" + event.replaceAll("([a-z0-9])([A-Z])", "$1-$2"));
        return JobNames.labelValue(full);
    }

    /** The objects as JSON trees, as {@link Manifests#toYaml} prints them. */
    public static List<JsonNode> toJson(List<Trigger> triggers) {
        List<JsonNode> out = new ArrayList<>();
        for (Trigger t : triggers) {
            out.add(SERIALIZATION.convertValue(t, JsonNode.class));
        }
        return out;
    }

    private static String fileName(String file) {
        Path name = file == null ? null : Path.of(file).getFileName();
        return name == null ? String.valueOf(file) : name.toString();
    }
}
