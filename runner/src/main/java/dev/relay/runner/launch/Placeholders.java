package dev.relay.runner.launch;

import dev.relay.runner.spec.ContainerSpec;
import dev.relay.runner.spec.Placeholder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Walks a container's placeholders. */
final class Placeholders {
    private Placeholders() {}

    /** @return inputs whose value is read as text ({@code inputValue}, also as an {@code if} condition) */
    static Set<String> valueInputs(ContainerSpec c) {
        Set<String> out = new LinkedHashSet<>();
        walk(c.command(), out);
        walk(c.args(), out);
        return out;
    }

    private static void walk(List<Placeholder> ps, Set<String> out) {
        if (ps == null) {
            return;
        }
        for (Placeholder p : ps) {
            walk(p, out);
        }
    }

    private static void walk(Placeholder p, Set<String> out) {
        if (p instanceof Placeholder.InputValue v) {
            out.add(v.inputName());
        } else if (p instanceof Placeholder.Concat c) {
            walk(c.items(), out);
        } else if (p instanceof Placeholder.If i) {
            walk(i.cond(), out);
            walk(i.then(), out);
            walk(i.otherwise(), out);
        }
    }
}
