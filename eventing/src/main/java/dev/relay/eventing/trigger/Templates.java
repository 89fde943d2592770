package dev.relay.eventing.trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trigger parameter templates (docs/contracts.md): text with {@code {{ var }}} or
 * {@code {{ var or var2 }}} parts; the only operator is {@code or} (the first present value). A
 * variable is {@code object.*}, {@code objects.*}, {@code event.*} or {@code data.<path>}.
 */
public final class Templates {
    private static final Pattern PART = Pattern.compile("\\{\\{(.*?)}}");
    private static final Pattern VAR = Pattern.compile("(object|objects|event|data)(\\.[A-Za-z0-9_\\-]+)+");

    private Templates() {}

    /** @throws IllegalArgumentException naming what is wrong with the template's syntax */
    public static void check(String template) {
        Matcher m = PART.matcher(template);
        int end = 0;
        while (m.find()) {
            alternatives(m.group(1));
            end = m.end();
        }
        if (template.indexOf("{{", end) >= 0 || template.substring(end).contains("}}")) {
            throw new IllegalArgumentException("unbalanced '{{' / '}}' in \"" + template + "\"");
        }
    }

    /**
     * Renders {@code template}; {@code vars} answers a variable's value or empty when absent.
     *
     * @throws MissingValueException when no alternative of a part has a value (named: the first one)
     */
    public static String render(String template, String parameter, Function<String, Optional<String>> vars)
            throws MissingValueException {
        Matcher m = PART.matcher(template);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start());
            List<String> alts = alternatives(m.group(1));
            String value = null;
            for (String a : alts) {
                Optional<String> v = vars.apply(a);
                if (v.isPresent()) {
                    value = v.get();
                    break;
                }
            }
            if (value == null) {
                throw new MissingValueException(alts.get(0), parameter);
            }
            out.append(value);
            last = m.end();
        }
        return out.append(template.substring(last)).toString();
    }

    private static List<String> alternatives(String expr) {
        List<String> out = new ArrayList<>();
        for (String a : expr.trim().split("\\s+or\\s+")) {
            String v = a.trim();
            if (!VAR.matcher(v).matches()) {
                throw new IllegalArgumentException("'" + v + "' is not a variable (object.*, event.*, data.<path>); "
                        + "the only operator is 'or'");
            }
            out.add(v);
        }
        return out;
    }
}
