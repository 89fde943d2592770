package dev.relay.runner.spec;

import static dev.relay.runner.spec.TestSupport.PATHS;
import static dev.relay.runner.spec.TestSupport.argv;
import static dev.relay.runner.spec.TestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** KFP v1 command-line resolution on self-written fixtures (independent of ../shared). */
class ResolverTest {
    static final String OPTIONALS = """
            name: optionals
            inputs:
            - {name: req, type: String}
            - {name: opt, type: String, optional: true}
            - {name: withDefault, type: Integer, default: 7, optional: true}
            - {name: emptyDefault, default: ''}
            - {name: flag, type: Boolean, optional: true}
            - {name: file, optional: true}
            outputs:
            - {name: req}
            - {name: MLPipeline Metrics}
            implementation:
              container:
                image: alpine
                command: [prog, {inputValue: req}, {inputPath: req}]
                args:
                - {inputValue: opt}
                - {inputPath: file}
                - --d
                - {inputValue: withDefault}
                - {inputValue: emptyDefault}
                - if: {cond: {isPresent: opt}, then: [--opt, {inputValue: opt}], else: [--no-opt]}
                - if: {cond: {inputValue: flag}, then: [--flag-on], else: [--flag-off]}
                - concat: [a=, {inputValue: opt}, ;, {inputValue: withDefault}]
                - {outputPath: req}
                - {outputPath: MLPipeline Metrics}
                env: {MODE: test}
            """;

    @Test
    void optionalAbsentDropsDefaultsArePresent() throws SpecException {
        ComponentSpec c = parse(OPTIONALS);
        ResolvedCommand r = Resolver.resolve(c, Map.of("req", "R"), PATHS);
        assertEquals(List.of("prog", "R", "/relay/inputs/req/data",
                "--d", "7", "", "--no-opt", "--flag-off", "a=;7",
                "/relay/outputs/req/data", "/relay/outputs/MLPipeline Metrics/data"), r.argv());
        assertEquals(Map.of("req", "/relay/inputs/req/data"), r.inputPaths());
        assertEquals(List.of("req", "MLPipeline Metrics"), new ArrayList<>(r.outputPaths().keySet()));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("req", "R");
        values.put("withDefault", "7");
        values.put("emptyDefault", "");
        assertEquals(values, r.inputValues());
        assertEquals(Map.of("MODE", "test"), r.env());
    }

    @Test
    void everythingGiven() throws SpecException {
        ComponentSpec c = parse(OPTIONALS);
        Map<String, String> args = Map.of("req", "R", "opt", "O", "withDefault", "8", "emptyDefault", "E",
                "flag", "True", "file", "content");
        assertEquals(List.of("prog", "R", "/relay/inputs/req/data",
                "O", "/relay/inputs/file/data", "--d", "8", "E", "--opt", "O", "--flag-on", "a=O;8",
                "/relay/outputs/req/data", "/relay/outputs/MLPipeline Metrics/data"), argv(c, args));
    }

    @Test
    void inputValueConditionIsStrtobool() throws SpecException {
        ComponentSpec c = parse(OPTIONALS);
        for (String t : List.of("y", "Yes", "t", "TRUE", "on", "1")) {
            assertEquals("--flag-on", argv(c, Map.of("req", "R", "flag", t)).get(7), t);
        }
        for (String f : List.of("n", "NO", "f", "False", "off", "0", "")) {
            assertEquals("--flag-off", argv(c, Map.of("req", "R", "flag", f)).get(7), f);
        }
        SpecException e = assertThrows(SpecException.class, () -> argv(c, Map.of("req", "R", "flag", "maybe")));
        assertEquals("test.yaml:23:7: if condition: the value of input 'flag' is 'maybe', not a boolean; expected one of"
                + " y, yes, t, true, on, 1, n, no, f, false, off, 0", e.errors().get(0).toString());
    }

    @Test
    void requiredInputWithoutArgument() throws SpecException {
        ComponentSpec c = parse(OPTIONALS);
        SpecException e = assertThrows(SpecException.class, () -> argv(c, Map.of("opt", "x")));
        assertEquals(List.of("test.yaml:3:10: required input 'req' has no argument (and no default)"),
                e.errors().stream().map(SpecError::toString).toList());
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("req", null); // a null value is no argument
        assertThrows(SpecException.class, () -> argv(c, nullValue));
    }

    @Test
    void unknownArgument() throws SpecException {
        ComponentSpec c = parse(OPTIONALS);
        SpecException e = assertThrows(SpecException.class, () -> argv(c, Map.of("req", "R", "rq", "x")));
        assertEquals("test.yaml:1:1: argument for unknown input 'rq'; inputs are: req, opt, withDefault, emptyDefault,"
                + " flag, file", e.errors().get(0).toString());
    }

    @Test
    void valuesReachArgvByteForByte() throws SpecException {
        ComponentSpec c = parse("""
                inputs: [{name: v}]
                implementation:
                  container:
                    image: alpine
                    command: [sh, -c, 'printf %s "$0"', {inputValue: v}]
                    args: [{concat: ['--v=', {inputValue: v}]}]
                """);
        for (String v : List.of("it's \"quoted\"", "$HOME $(rm -rf /) `id` ${x}", "a; b && c | d > e",
                "line1\nline2\r\n\ttab", "日本語 é ü 🙂 \u0000?", " leading and trailing ", "", "*", "\\n")) {
            assertEquals(List.of("sh", "-c", "printf %s \"$0\"", v, "--v=" + v), argv(c, Map.of("v", v)));
        }
    }

    @Test
    void fileOutputsAndOutputPathAgreeOrConflict() throws SpecException {
        ComponentSpec c = parse("""
                outputs: [{name: out}, {name: MLPipeline UI metadata}]
                implementation:
                  container:
                    image: alpine
                    args: [{outputPath: out}]
                    fileOutputs: {MLPipeline UI metadata: /mlpipeline-ui-metadata.json, out: /out.txt}
                """);
        SpecException e = assertThrows(SpecException.class, () -> Resolver.resolve(c, Map.of(), PATHS));
        assertEquals("test.yaml:5:12: conflicting paths for output 'out': fileOutputs says /out.txt, outputPath gives"
                + " /relay/outputs/out/data", e.errors().get(0).toString());
        PathProvider fixed = new PathProvider() {
            public String inputPath(String input) {
                throw new AssertionError();
            }

            public String outputPath(String output) {
                return "/out.txt";
            }

            public String inputUri(String input) {
                throw new AssertionError();
            }

            public String outputUri(String output) {
                throw new AssertionError();
            }
        };
        ResolvedCommand r = Resolver.resolve(c, Map.of(), fixed);
        assertEquals(List.of("/out.txt"), r.argv());
        assertEquals(Map.of("MLPipeline UI metadata", "/mlpipeline-ui-metadata.json", "out", "/out.txt"), r.outputPaths());
    }

    @Test
    void pathsAskedOncePerName() throws SpecException {
        ComponentSpec c = parse("""
                inputs: [{name: a}]
                outputs: [{name: a}]
                implementation:
                  container:
                    image: alpine
                    args: [{inputPath: a}, {inputPath: a}, {outputPath: a}, {outputPath: a}]
                """);
        List<String> calls = new ArrayList<>();
        PathProvider counting = new PathProvider() {
            int n;

            public String inputPath(String input) {
                calls.add("in:" + input);
                return "/in/" + n++;
            }

            public String outputPath(String output) {
                calls.add("out:" + output);
                return "/out/" + n++;
            }

            public String inputUri(String input) {
                return null;
            }

            public String outputUri(String output) {
                return null;
            }
        };
        assertEquals(List.of("/in/0", "/in/0", "/out/1", "/out/1"), Resolver.resolve(c, Map.of("a", "x"), counting).argv());
        assertEquals(List.of("in:a", "out:a"), calls);
    }

    @Test
    void pipelineHasNoCommandLine() throws SpecException {
        ComponentSpec p = parse("""
                implementation:
                  graph:
                    tasks:
                      t: {componentRef: {spec: {implementation: {container: {image: alpine}}}}}
                """);
        assertThrows(IllegalArgumentException.class, () -> Resolver.resolve(p, Map.of(), PATHS));
    }
}
