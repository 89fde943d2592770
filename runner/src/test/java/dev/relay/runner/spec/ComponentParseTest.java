package dev.relay.runner.spec;

import static dev.relay.runner.spec.TestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing component.yaml into the typed model, with YAML read as PyYAML (YAML 1.1) reads it. */
class ComponentParseTest {

    @Test
    void fullModel() throws SpecException {
        ComponentSpec c = parse("""
                # a comment before everything
                name: Train
                description: Trains.   # trailing comment
                metadata:
                  annotations: {author: Ada, relay.dev/cpu: '2'}
                  labels: {team: ml}
                inputs:
                - {name: data, type: {GCSPath: {data_type: CSV}}, description: the data}
                - {name: rate, type: Float, default: '0.1'}
                - {name: steps, type: Integer, default: 10, optional: true}
                - {name: flags, optional: yes}
                outputs:
                - {name: model, type: Model}
                - {name: MLPipeline UI metadata, type: UI metadata}
                implementation:
                  container:
                    image: python:3.9
                    command: [python3, -m, train]
                    args:
                    - --data
                    - {inputPath: data}
                    - {inputValue: rate}
                    - {inputUri: data}
                    - {outputUri: model}
                    - concat: [--steps=, {inputValue: steps}]
                    - if:
                        cond: {isPresent: flags}
                        then: [--flags, {inputValue: flags}]
                        else: --no-flags
                    - {outputPath: model}
                    - 3
                    - true
                    - 1.50
                    env: {A: x, N: 1}
                    fileOutputs:
                      MLPipeline UI metadata: /mlpipeline-ui-metadata.json""");
        assertEquals("Train", c.name());
        assertEquals("Trains.", c.description());
        assertEquals(Map.of("author", "Ada", "relay.dev/cpu", "2"), c.metadata().get("annotations"));
        assertEquals(Map.of("team", "ml"), c.metadata().get("labels"));
        assertEquals(List.of("data", "rate", "steps", "flags"), c.inputs().stream().map(InputSpec::name).toList());
        InputSpec data = c.input("data").orElseThrow();
        assertEquals(Map.of("GCSPath", Map.of("data_type", "CSV")), data.type());
        assertEquals("the data", data.description());
        assertFalse(data.hasDefault());
        assertTrue(data.isRequired());
        assertEquals("0.1", c.input("rate").orElseThrow().defaultValue());
        assertEquals(10, c.input("steps").orElseThrow().defaultValue());
        assertTrue(c.input("flags").orElseThrow().optional()); // `yes` is a YAML 1.1 boolean
        assertTrue(c.output("MLPipeline UI metadata").orElseThrow().isUiMetadata());
        assertTrue(c.input("model").isEmpty());
        ContainerSpec k = c.container();
        assertEquals("python:3.9", k.image());
        assertEquals(List.of(new Placeholder.Literal("python3"), new Placeholder.Literal("-m"),
                new Placeholder.Literal("train")), k.command());
        assertEquals(List.of(
                new Placeholder.Literal("--data"),
                new Placeholder.InputPath("data"),
                new Placeholder.InputValue("rate"),
                new Placeholder.InputUri("data"),
                new Placeholder.OutputUri("model"),
                new Placeholder.Concat(List.of(new Placeholder.Literal("--steps="), new Placeholder.InputValue("steps"))),
                new Placeholder.If(new Placeholder.IsPresent("flags"),
                        List.of(new Placeholder.Literal("--flags"), new Placeholder.InputValue("flags")),
                        List.of(new Placeholder.Literal("--no-flags"))),
                new Placeholder.OutputPath("model"),
                new Placeholder.Literal("3"),
                new Placeholder.Literal("True"),
                new Placeholder.Literal("1.5")), k.args());
        assertEquals(Map.of("A", "x", "N", "1"), k.env());
        assertEquals(Map.of("MLPipeline UI metadata", "/mlpipeline-ui-metadata.json"), k.fileOutputs());
        assertFalse(c.isPipeline());
        assertNull(c.graph());
        assertEquals("test.yaml", c.sourceFile());
    }

    @Test
    void yaml11ScalarsAsPyYaml() throws SpecException {
        // PyYAML: yes/no/on/off are booleans; 1e3 is a string (no dot); 0x1F and 017 are ints;
        // 1:30 is sexagesimal 90; a date stays as written.
        ComponentSpec c = parse("""
                name: scalars
                implementation:
                  container:
                    image: alpine
                    args: [yes, no, on, off, y, n, 1e3, 1.0e+3, 0x1F, 017, 1_000, 1:30, .5, 2001-12-14, 'yes', ~x]
                """);
        assertEquals(List.of("True", "False", "True", "False", "y", "n", "1e3", "1000.0", "31", "15", "1000", "90",
                        "0.5", "2001-12-14", "yes", "~x"),
                c.container().args().stream().map(p -> ((Placeholder.Literal) p).value()).toList());
    }

    @Test
    void foldedFlowScalarNoTrailingNewlineAndDuplicateKeys() throws SpecException {
        ComponentSpec c = parse("name: first\nname: second\nimplementation:\n  container:\n    image: busybox\n"
                + "    command: [sh, -c, '\n        echo \"$0\"\n        echo done\n        ']\n"
                + "    args: [\"a\\tb\", 'it''s']");
        assertEquals("second", c.name()); // PyYAML keeps the last of repeated keys
        assertEquals(new Placeholder.Literal(" echo \"$0\" echo done "), c.container().command().get(2));
        assertEquals(List.of(new Placeholder.Literal("a\tb"), new Placeholder.Literal("it's")), c.container().args());
    }

    @Test
    void blockScalarsKeepNewlines() throws SpecException {
        ComponentSpec c = parse("""
                implementation:
                  container:
                    image: alpine
                    command:
                    - |
                      line 1

                        indented
                    - >-
                      folded
                      text
                """);
        assertNull(c.name());
        assertEquals(List.of(new Placeholder.Literal("line 1\n\n  indented\n"), new Placeholder.Literal("folded text")),
                c.container().command());
    }

    @Test
    void anchorsAndMergeKeys() throws SpecException {
        ComponentSpec c = parse("""
                name: anchors
                inputs:
                - &base {name: a, type: String, description: shared}
                - <<: *base
                  name: b
                implementation:
                  container:
                    image: alpine
                    args: [&flag --x, *flag]
                """);
        assertEquals(new InputSpec("b", "String", "shared", null, false), c.input("b").orElseThrow());
        assertEquals(List.of(new Placeholder.Literal("--x"), new Placeholder.Literal("--x")), c.container().args());
    }

    @Test
    void ifConditionForms() throws SpecException {
        ComponentSpec c = parse("""
                inputs: [{name: flag, type: Boolean}]
                implementation:
                  container:
                    image: alpine
                    args:
                    - if: {cond: {inputValue: flag}, then: [--on]}
                    - if: {cond: true, then: --always}
                    - if: {cond: 'false', then: [--never], else: []}
                """);
        List<Placeholder> a = c.container().args();
        assertEquals(new Placeholder.If(new Placeholder.InputValue("flag"), List.of(new Placeholder.Literal("--on")), null),
                a.get(0));
        assertEquals(new Placeholder.If(new Placeholder.Literal("True"), List.of(new Placeholder.Literal("--always")),
                List.of()), a.get(1));
        assertEquals(new Placeholder.Literal("false"), ((Placeholder.If) a.get(2)).cond());
    }

    @Test
    void utf8AndBom() throws SpecException {
        ComponentSpec c = ComponentLoader.parse("\uFEFFname: 数据 é\nimplementation: {container: {image: alpine}}\n",
                "bom.yaml", null);
        assertEquals("数据 é", c.name());
    }
}
