package dev.relay.runner.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns a container component plus argument values into the exact argv of one execution,
 * following KFP v1's {@code _resolve_command_line_and_paths} ({@code kfp/components/_components.py}):
 * <ul>
 * <li>an input has a value when an argument is given or it declares a {@code default} (the
 *     default then becomes the argument); otherwise it is absent;</li>
 * <li>{@code inputValue}/{@code inputPath}/{@code inputUri} of an absent input yield nothing (the
 *     element is dropped, and inside {@code concat} the part is skipped);</li>
 * <li>{@code isPresent} gives {@code True}/{@code False}; an {@code if} condition is read like
 *     Python's {@code strtobool}; an absent or empty condition selects {@code else};</li>
 * <li>{@code concat} joins its parts; {@code outputPath} asks the {@link PathProvider}, and an
 *     output that also has a {@code fileOutputs} path must get that same path.</li>
 * </ul>
 * Every element becomes one argv string; nothing is ever passed through a shell.
 */
public final class Resolver {
    private Resolver() {
    }

    /**
     * Resolves {@code c}'s command line.
     *
     * @param c         a container component (not a pipeline)
     * @param arguments input name → its string value (already in KFP form, see
     *                  {@link Values#toKfpString}) for every input that has an argument; a null
     *                  value counts as no argument. For an input consumed through
     *                  {@code inputPath}/{@code inputUri} only presence matters here (the launcher
     *                  places the file); for a {@code taskOutput} consumed through {@code inputValue}
     *                  pass the upstream artifact's content
     * @param paths     where the launcher puts inputs and outputs
     * @return the argv, the paths to fill and to collect, env and the effective input values
     * @throws SpecException            for an argument naming an unknown input, a required input
     *                                  without argument (all of them are listed), an {@code if}
     *                                  condition that is not a {@code strtobool} value, or an output
     *                                  whose {@code fileOutputs} path differs from the provider's path
     * @throws IllegalArgumentException if {@code c} is a pipeline
     */
    public static ResolvedCommand resolve(ComponentSpec c, Map<String, String> arguments, PathProvider paths)
            throws SpecException {
        Objects.requireNonNull(paths, "paths");
        if (c.container() == null) {
            throw new IllegalArgumentException("only container components have a command line; '"
                    + c.name() + "' is a pipeline");
        }
        List<SpecError> errors = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        if (arguments != null) {
            for (Map.Entry<String, String> e : arguments.entrySet()) {
                if (c.input(e.getKey()).isEmpty()) {
                    errors.add(SpecError.ofFile(c.sourceFile(), "argument for unknown input '" + e.getKey()
                            + "'; inputs are: " + inputList(c)));
                }
            }
        }
        for (InputSpec in : c.inputs()) {
            String v = arguments == null ? null : arguments.get(in.name());
            if (v == null && in.hasDefault()) {
                v = Values.toKfpString(in.defaultValue());
            }
            if (v != null) {
                values.put(in.name(), v);
            } else if (!in.optional()) {
                errors.add(at(c.inputPosition(in.name()), c.sourceFile(),
                        "required input '" + in.name() + "' has no argument (and no default)"));
            }
        }
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        Expander x = new Expander(c, values, paths);
        ContainerSpec k = c.container();
        for (Map.Entry<String, String> e : k.fileOutputs().entrySet()) {
            x.outputPaths.put(e.getKey(), e.getValue());
        }
        List<String> argv = new ArrayList<>();
        x.expandList(k.command(), argv);
        x.expandList(k.args(), argv);
        if (!x.errors.isEmpty()) {
            throw new SpecException(x.errors);
        }
        return new ResolvedCommand(argv, x.inputPaths, x.outputPaths, k.env(), values, x.inputUris, x.outputUris);
    }

    static String inputList(ComponentSpec c) {
        return c.inputs().isEmpty() ? "(none)"
                : c.inputs().stream().map(InputSpec::name).collect(Collectors.joining(", "));
    }

    private static SpecError at(SpecError pos, String file, String message) {
        return pos == null ? SpecError.ofFile(file, message)
                : new SpecError(pos.file(), pos.line(), pos.column(), message);
    }

    /** One resolution's state: the values and the paths handed out so far. */
    private static final class Expander {
        final ComponentSpec c;
        final Map<String, String> values;
        final PathProvider paths;
        final Map<String, String> inputPaths = new LinkedHashMap<>();
        final Map<String, String> outputPaths = new LinkedHashMap<>();
        final Map<String, String> inputUris = new LinkedHashMap<>();
        final Map<String, String> outputUris = new LinkedHashMap<>();
        final Map<String, String> generatedOutputPaths = new LinkedHashMap<>();
        final List<SpecError> errors = new ArrayList<>();

        Expander(ComponentSpec c, Map<String, String> values, PathProvider paths) {
            this.c = c;
            this.values = values;
            this.paths = paths;
        }

        void expandList(List<Placeholder> items, List<String> out) {
            for (Placeholder p : items) {
                expand(p, out);
            }
        }

        /** Appends p's expansion (zero or more elements) to out. */
        void expand(Placeholder p, List<String> out) {
            if (p instanceof Placeholder.Literal l) {
                out.add(l.value());
            } else if (p instanceof Placeholder.InputValue v) {
                String s = values.get(v.inputName());
                if (s != null) {
                    out.add(s);
                }
            } else if (p instanceof Placeholder.InputPath ip) {
                if (values.containsKey(ip.inputName())) {
                    out.add(inputPaths.computeIfAbsent(ip.inputName(), paths::inputPath));
                }
            } else if (p instanceof Placeholder.InputUri iu) {
                if (values.containsKey(iu.inputName())) {
                    out.add(inputUris.computeIfAbsent(iu.inputName(), paths::inputUri));
                }
            } else if (p instanceof Placeholder.OutputPath op) {
                String name = op.outputName();
                String generated = generatedOutputPaths.computeIfAbsent(name, paths::outputPath);
                String fixed = c.container().fileOutputs().get(name);
                if (fixed != null && !fixed.equals(generated)) {
                    errors.add(at(c.placeholderPosition(p), c.sourceFile(), "conflicting paths for output '"
                            + name + "': fileOutputs says " + fixed + ", outputPath gives " + generated));
                }
                outputPaths.putIfAbsent(name, generated);
                out.add(generated);
            } else if (p instanceof Placeholder.OutputUri ou) {
                out.add(outputUris.computeIfAbsent(ou.outputName(), paths::outputUri));
            } else if (p instanceof Placeholder.Concat cc) {
                List<String> parts = new ArrayList<>();
                expandList(cc.items(), parts);
                out.add(String.join("", parts));
            } else if (p instanceof Placeholder.If f) {
                Boolean cond = condition(f);
                if (cond != null) {
                    expandList(cond ? f.then() : f.otherwise(), out);
                }
            } else if (p instanceof Placeholder.IsPresent ip) {
                out.add(values.containsKey(ip.inputName()) ? "True" : "False");
            } else {
                throw new IllegalStateException("unknown placeholder " + p);
            }
        }

        /** True/false, or null after recording an error. */
        private Boolean condition(Placeholder.If f) {
            String s;
            String what;
            Placeholder cond = f.cond();
            if (cond instanceof Placeholder.IsPresent ip) {
                return values.containsKey(ip.inputName());
            } else if (cond instanceof Placeholder.InputValue v) {
                s = values.get(v.inputName());
                what = "the value of input '" + v.inputName() + "'";
            } else {
                s = ((Placeholder.Literal) cond).value();
                what = "the constant";
            }
            if (s == null || s.isEmpty()) {
                return false; // KFP: `condition_result and strtobool(...)`: None and '' select else
            }
            try {
                return Values.strtobool(s);
            } catch (IllegalArgumentException e) {
                errors.add(at(c.placeholderPosition(f), c.sourceFile(), "if condition: " + what + " is '" + s
                        + "', not a boolean; expected one of y, yes, t, true, on, 1, n, no, f, false, off, 0"));
                return null;
            }
        }
    }
}
