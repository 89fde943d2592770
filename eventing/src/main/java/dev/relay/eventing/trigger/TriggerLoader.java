package dev.relay.eventing.trigger;

import dev.relay.eventing.input.InputLimitException;
import dev.relay.eventing.input.SafeFiles;
import dev.relay.eventing.input.SafeYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads trigger files (docs/contracts.md "Triggers"). Every problem is reported as
 * {@code FILE:LINE:COL: message} (1-based, from SnakeYAML's node marks), naming the field and
 * what was expected; all problems of a file are collected.
 */
public final class TriggerLoader {
    private static final Set<String> OPS = Set.of("==", "!=", ">", ">=", "<", "<=", "exists", "in");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private TriggerLoader() {}

    /** @throws TriggerException when the file is unreadable or does not fit */
    public static Trigger load(Path file) throws TriggerException {
        String text;
        try {
            text = SafeFiles.readString(file);
        } catch (IOException e) {
            throw new TriggerException(List.of(file + ":1:1: cannot read the file: " + e.getMessage()));
        }
        return parse(text, file.toString());
    }

    /** Every {@code *.yaml} / {@code *.yml} file of a folder, sorted by name. */
    public static List<Trigger> loadAll(Path dir) throws TriggerException {
        List<Trigger> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                try {
                    out.add(load(f));
                } catch (TriggerException e) {
                    errors.addAll(e.errors());
                }
            }
        } catch (IOException e) {
            errors.add(dir + ":1:1: cannot list the folder: " + e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw new TriggerException(errors);
        }
        return out;
    }

    /** @throws TriggerException when the text does not fit */
    public static Trigger parse(String text, String file) throws TriggerException {
        Node root;
        try {
            root = SafeYaml.compose(text);
        } catch (InputLimitException e) {
            throw new TriggerException(List.of(file + ":" + Math.max(1, e.line()) + ":" + Math.max(1, e.column()) + ": " + e.getMessage()));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new TriggerException(List.of(file + ":" + (m == null ? 1 : m.getLine() + 1) + ":" + (m == null ? 1 : m.getColumn() + 1)
                    + ": malformed YAML: " + e.getProblem()));
        } catch (RuntimeException e) {
            throw new TriggerException(List.of(file + ":1:1: malformed YAML: " + e.getMessage()));
        }
        Reader r = new Reader(file);
        if (!(root instanceof MappingNode top)) {
            throw new TriggerException(List.of(file + ":1:1: expected a mapping with apiVersion, kind, metadata and spec"));
        }
        Map<String, Node> m = r.fields(top, "", Set.of("apiVersion", "kind", "metadata", "spec"));
        String api = r.string(m, top, "apiVersion", true);
        if (api != null && !api.equals(Trigger.API_VERSION)) {
            r.error(m.get("apiVersion"), "apiVersion must be " + Trigger.API_VERSION + ", got '" + api + "'");
        }
        String kind = r.string(m, top, "kind", true);
        Node metaNode = r.require(m, top, "metadata");
        String name = null;
        if (metaNode instanceof MappingNode meta) {
            Map<String, Node> mm = r.fields(meta, "metadata.", null);
            name = r.string(mm, meta, "name", true);
            if (name != null && !dev.relay.eventing.Dns1123.isLabel(name)) {
                r.error(mm.get("name"), "metadata.name must be a DNS-1123 label ([a-z0-9-], at most 63), got '" + name + "'");
            }
        } else if (metaNode != null) {
            r.error(metaNode, "metadata must be a mapping");
        }
        Node specNode = r.require(m, top, "spec");
        Trigger t = null;
        if (specNode instanceof MappingNode spec && kind != null) {
            if (kind.equals("UploadTrigger")) {
                t = upload(r, spec, name);
            } else if (kind.equals("EventTrigger")) {
                t = event(r, spec, name);
            } else {
                r.error(m.get("kind"), "kind must be UploadTrigger or EventTrigger, got '" + kind + "'");
            }
        } else if (specNode != null && !(specNode instanceof MappingNode)) {
            r.error(specNode, "spec must be a mapping");
        }
        if (!r.errors.isEmpty()) {
            throw new TriggerException(r.errors);
        }
        return t;
    }

    private static Trigger.UploadTrigger upload(Reader r, MappingNode spec, String name) {
        Map<String, Node> f = r.fields(spec, "spec.", Set.of("bucket", "prefix", "suffix", "glob", "events", "pipeline", "parameters", "debounce"));
        String bucket = r.string(f, spec, "bucket", true);
        List<String> events = f.containsKey("events") ? r.strings(f.get("events"), "spec.events") : Trigger.UploadTrigger.DEFAULT_EVENTS;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).contains(":")) {
                r.error(((SequenceNode) f.get("events")).getValue().get(i), "spec.events[" + i + "]: give the name after 'ObjectCreated:', e.g. Put, got '" + events.get(i) + "'");
            }
        }
        Duration debounce = null;
        String d = r.string(f, spec, "debounce", false);
        if (d != null) {
            Matcher dm = DURATION.matcher(d.trim());
            if (!dm.matches()) {
                r.error(f.get("debounce"), "spec.debounce must be a duration such as 30s, 500ms, 5m or 1h, got '" + d + "'");
            } else {
                long n = Long.parseLong(dm.group(1));
                debounce = switch (dm.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
        }
        return new Trigger.UploadTrigger(name, r.file, bucket, r.string(f, spec, "prefix", false), r.string(f, spec, "suffix", false),
                r.string(f, spec, "glob", false), events, pipeline(r, f, spec), parameters(r, f), debounce);
    }

    private static Trigger.EventTrigger event(Reader r, MappingNode spec, String name) {
        Map<String, Node> f = r.fields(spec, "spec.", Set.of("type", "source", "subjectPrefix", "where", "pipeline", "parameters"));
        String type = r.string(f, spec, "type", true);
        String owner = dev.relay.eventing.RelayEventTypes.functionFor(type);
        if (owner != null) {
            r.error(f.get("type"), "spec.type '" + type + "' is handled by the '" + owner + "' function, which never"
                    + " consults EventTriggers, so this trigger could never fire"
                    + (dev.relay.eventing.RelayEventTypes.ARTIFACT.equals(owner)
                            ? "; use an UploadTrigger for object events" : "; choose the type of an event no function owns"));
        }
        List<Trigger.Condition> where = new ArrayList<>();
        Node w = f.get("where");
        if (w instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node c = seq.getValue().get(i);
                String at = "spec.where[" + i + "].";
                if (!(c instanceof MappingNode cm)) {
                    r.error(c, "spec.where[" + i + "] must be a mapping {path, op, value}");
                    continue;
                }
                Map<String, Node> cf = r.fields(cm, at, Set.of("path", "op", "value"));
                String path = r.stringAt(cf, cm, "path", at, true);
                String op = r.stringAt(cf, cm, "op", at, true);
                if (op != null && !OPS.contains(op)) {
                    r.error(cf.get("op"), at + "op must be one of ==, !=, >, >=, <, <=, exists, in; got '" + op + "'");
                }
                Object value = cf.containsKey("value") ? r.value(cf.get("value")) : null;
                if (op != null && !op.equals("exists") && !cf.containsKey("value")) {
                    r.error(cm, at + "value is required for op '" + op + "'");
                }
                if ("in".equals(op) && value != null && !(value instanceof List)) {
                    r.error(cf.get("value"), at + "value must be a list for op 'in'");
                }
                where.add(new Trigger.Condition(path, op, value));
            }
        } else if (w != null) {
            r.error(w, "spec.where must be a list of {path, op, value}");
        }
        return new Trigger.EventTrigger(name, r.file, type, r.string(f, spec, "source", false),
                r.string(f, spec, "subjectPrefix", false), where, pipeline(r, f, spec), parameters(r, f));
    }

    private static Trigger.PipelineRef pipeline(Reader r, Map<String, Node> f, MappingNode spec) {
        Node p = r.require(f, spec, "pipeline");
        if (p instanceof MappingNode pm) {
            Map<String, Node> pf = r.fields(pm, "spec.pipeline.", Set.of("name", "version"));
            String n = r.stringAt(pf, pm, "name", "spec.pipeline.", true);
            String v = r.stringAt(pf, pm, "version", "spec.pipeline.", false);
            return new Trigger.PipelineRef(n, v == null ? "latest" : v);
        }
        if (p != null) {
            r.error(p, "spec.pipeline must be a mapping {name, version}");
        }
        return null;
    }

    private static Map<String, String> parameters(Reader r, Map<String, Node> f) {
        Map<String, String> out = new LinkedHashMap<>();
        Node p = f.get("parameters");
        if (p instanceof MappingNode pm) {
            for (NodeTuple t : pm.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
                if (key == null || !(t.getValueNode() instanceof ScalarNode v)) {
                    r.error(t.getValueNode(), "spec.parameters." + key + " must be a string (a value or a {{ template }})");
                    continue;
                }
                try {
                    Templates.check(v.getValue());
                    out.put(key, v.getValue());
                } catch (IllegalArgumentException e) {
                    r.error(v, "spec.parameters." + key + ": " + e.getMessage());
                }
            }
        } else if (p != null) {
            r.error(p, "spec.parameters must be a mapping NAME: template");
        }
        return out;
    }

    /** Collects errors with positions. */
    private static final class Reader {
        final String file;
        final List<String> errors = new ArrayList<>();

        Reader(String file) {
            this.file = file;
        }

        void error(Node at, String message) {
            Mark mk = at == null ? null : at.getStartMark();
            errors.add(file + ":" + (mk == null ? 1 : mk.getLine() + 1) + ":" + (mk == null ? 1 : mk.getColumn() + 1) + ": " + message);
        }

        Map<String, Node> fields(MappingNode m, String where, Set<String> known) {
            Map<String, Node> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(t.getKeyNode());
                if (known != null && !known.contains(key)) {
                    error(t.getKeyNode(), "unknown field '" + where + key + "'; expected one of: " + String.join(", ", known.stream().sorted().toList()));
                }
                out.put(key, t.getValueNode());
            }
            return out;
        }

        Node require(Map<String, Node> f, Node parent, String key) {
            Node n = f.get(key);
            if (n == null) {
                error(parent, "missing required field '" + key + "'");
            }
            return n;
        }

        String string(Map<String, Node> f, Node parent, String key, boolean required) {
            return stringAt(f, parent, key, parent instanceof MappingNode ? "" : "", required);
        }

        String stringAt(Map<String, Node> f, Node parent, String key, String where, boolean required) {
            Node n = f.get(key);
            if (n == null) {
                if (required) {
                    error(parent, "missing required field '" + where + key + "'");
                }
                return null;
            }
            if (!(n instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
                error(n, "field '" + where + key + "' must be a string");
                return null;
            }
            return s.getValue();
        }

        List<String> strings(Node n, String where) {
            List<String> out = new ArrayList<>();
            if (!(n instanceof SequenceNode seq)) {
                error(n, where + " must be a list of strings");
                return out;
            }
            for (Node item : seq.getValue()) {
                if (item instanceof ScalarNode s) {
                    out.add(s.getValue());
                } else {
                    error(item, where + " must be a list of strings");
                }
            }
            return out;
        }

        /** A YAML value as Java: String, Long, Double, Boolean, null or a List of those. */
        Object value(Node n) {
            if (n instanceof SequenceNode seq) {
                List<Object> out = new ArrayList<>();
                seq.getValue().forEach(i -> out.add(value(i)));
                return out;
            }
            if (n instanceof ScalarNode s) {
                Tag tag = s.getTag();
                try {
                    if (tag.equals(Tag.INT)) {
                        return Long.parseLong(s.getValue().replace("_", ""));
                    }
                    if (tag.equals(Tag.FLOAT)) {
                        return Double.parseDouble(s.getValue().replace("_", ""));
                    }
                } catch (NumberFormatException e) {
                    return s.getValue();
                }
                if (tag.equals(Tag.BOOL)) {
                    return Set.of("true", "yes", "on", "y").contains(s.getValue().toLowerCase());
                }
                if (tag.equals(Tag.NULL)) {
                    return null;
                }
                return s.getValue();
            }
            error(n, "expected a scalar or a list");
            return null;
        }
    }
}
