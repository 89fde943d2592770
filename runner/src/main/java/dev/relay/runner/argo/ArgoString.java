package dev.relay.runner.argo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A string with Argo's simple-template references ({@code {{...}}}, Argo's
 * {@code workflow/common/validate.go} and {@code util/template}): split into literal text and
 * {@link Ref}s. Only what KFP 1.8 writes is typed: {@code inputs.parameters.X},
 * {@code inputs.artifacts.X}, {@code tasks.T.outputs.parameters.P},
 * {@code tasks.T.outputs.artifacts.A}, {@code steps.S.outputs...}, {@code workflow.parameters.X},
 * {@code item}, {@code item.F}; anything else ({@code workflow.name}, {@code pod.name}...) is a
 * {@link Ref.Other}.
 */
public final class ArgoString {
    private static final Pattern REF = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    private ArgoString() {}

    /** A reference inside {@code {{ }}}. */
    public sealed interface Ref {
        /** @return the reference as written between the braces */
        String text();

        /** {@code inputs.parameters.NAME} / {@code inputs.artifacts.NAME}. */
        record Input(String text, String name, boolean artifact) implements Ref {}

        /** {@code tasks.T.outputs.parameters.P} / {@code tasks.T.outputs.artifacts.A} (also {@code steps.}). */
        record TaskOutput(String text, String task, String output, boolean artifact) implements Ref {}

        /** {@code workflow.parameters.NAME}. */
        record WorkflowParameter(String text, String name) implements Ref {}

        /** {@code item} (field null) or {@code item.FIELD}. */
        record Item(String text, String field) implements Ref {}

        /** Anything else. */
        record Other(String text) implements Ref {}
    }

    /**
     * @return {@code s} split into {@link String} literals and {@link Ref}s, in order; an empty
     *     list for an empty string
     */
    public static List<Object> parse(String s) {
        List<Object> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        Matcher m = REF.matcher(s);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                out.add(s.substring(last, m.start()));
            }
            out.add(ref(m.group(1)));
            last = m.end();
        }
        if (last < s.length()) {
            out.add(s.substring(last));
        }
        return out;
    }

    /** @return the references in {@code s}, in order */
    public static List<Ref> refs(String s) {
        return parse(s).stream().filter(Ref.class::isInstance).map(Ref.class::cast).toList();
    }

    /** @return the single reference {@code s} consists of, or null when it is not exactly one */
    public static Ref whole(String s) {
        List<Object> p = parse(s);
        return p.size() == 1 && p.get(0) instanceof Ref r ? r : null;
    }

    /**
     * Substitutes every reference.
     *
     * @param values the value of a reference, or null to leave it as written
     */
    public static String substitute(String s, Function<Ref, String> values) {
        StringBuilder b = new StringBuilder();
        for (Object part : parse(s)) {
            if (part instanceof Ref r) {
                String v = values.apply(r);
                b.append(v != null ? v : "{{" + r.text() + "}}");
            } else {
                b.append((String) part);
            }
        }
        return b.toString();
    }

    /** Substitutes references whose text is a key of {@code values}. */
    public static String substitute(String s, Map<String, String> values) {
        return substitute(s, r -> values.get(r.text()));
    }

    static Ref ref(String t) {
        String[] p = t.split("\\.", -1);
        if (p.length == 3 && p[0].equals("inputs") && (p[1].equals("parameters") || p[1].equals("artifacts"))) {
            return new Ref.Input(t, p[2], p[1].equals("artifacts"));
        }
        if (p.length == 5 && (p[0].equals("tasks") || p[0].equals("steps")) && p[2].equals("outputs")
                && (p[3].equals("parameters") || p[3].equals("artifacts"))) {
            return new Ref.TaskOutput(t, p[1], p[4], p[3].equals("artifacts"));
        }
        if (p.length == 3 && p[0].equals("workflow") && p[1].equals("parameters")) {
            return new Ref.WorkflowParameter(t, p[2]);
        }
        if (p[0].equals("item")) {
            return new Ref.Item(t, p.length == 1 ? null : t.substring("item.".length()));
        }
        return new Ref.Other(t);
    }
}
