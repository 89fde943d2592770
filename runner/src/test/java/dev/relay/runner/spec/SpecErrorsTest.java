package dev.relay.runner.spec;

import static dev.relay.runner.spec.TestSupport.assertAnyErrorContains;
import static dev.relay.runner.spec.TestSupport.assertOneError;
import static dev.relay.runner.spec.TestSupport.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each bad component gets a clear FILE:LINE:COL error saying what was expected. */
class SpecErrorsTest {

    @Test
    void malformedYamlHasLineAndColumn() {
        assertOneError("test.yaml:3:11: invalid YAML: mapping values are not allowed here",
                "name: x\nimplementation:\n  image: a: b\n");
        List<String> e = errors("name: x\ninputs:\n- {name: a\nimplementation: {}\n");
        assertEquals(1, e.size());
        assertAnyErrorContains(e, "test.yaml:4:15: invalid YAML:");
    }

    @Test
    void notAMappingAndEmptyFile() {
        assertOneError("test.yaml:1:1: expected a mapping for the component, found a list", "- a\n- b\n");
        assertOneError("test.yaml:1:1: the file is empty; expected a component: a mapping with name, inputs, outputs"
                + " and implementation", "# only a comment\n");
    }

    @Test
    void unknownPlaceholderKey() {
        assertOneError("test.yaml:7:8: unknown placeholder 'inputValues' in args[1]; expected one of inputValue,"
                + " inputPath, outputPath, inputUri, outputUri, concat, if", """
                inputs: [{name: count}]
                implementation:
                  container:
                    image: alpine
                    args:
                    - --n
                    - {inputValues: count}
                """);
    }

    @Test
    void undeclaredInputAndOutputWithPosition() {
        List<String> e = errors("""
                inputs: [{name: count}]
                outputs: [{name: sum}]
                implementation:
                  container:
                    image: alpine
                    command: [sh, -c, echo]
                    args: [a, b, c, {inputValue: cnt}, {outputPath: total}, {concat: [x, {inputPath: nope}]}]
                """);
        assertEquals(List.of(
                "test.yaml:7:34: unknown input 'cnt' in args[3]; inputs are: count",
                "test.yaml:7:53: unknown output 'total' in args[4]; outputs are: sum",
                "test.yaml:7:86: unknown input 'nope' in args[5].concat[1]; inputs are: count"), e);
        assertOneError("test.yaml:1:63: unknown input 'x' in command[0]; inputs are: (none)",
                "implementation: {container: {image: a, command: [{inputValue: x}]}}");
        assertOneError("test.yaml:3:56: unknown input 'b' in args[0].if.cond; inputs are: a", """
                inputs: [{name: a, optional: true}]
                implementation:
                  container: {image: a, args: [{if: {cond: {isPresent: b}, then: [y]}}]}
                """);
    }

    @Test
    void duplicateInputNames() {
        assertOneError("test.yaml:4:10: duplicate input name 'a' in inputs[2]; first declared at line 2, column 10", """
                inputs:
                - {name: a}
                - {name: b}
                - {name: a}
                implementation: {container: {image: alpine}}
                """);
        assertOneError("test.yaml:1:40: duplicate output name 'o' in outputs[2]; first declared at line 1, column 29",
                "outputs: [{name: a}, {name: o}, {name: o}]\nimplementation: {container: {image: alpine}}\n");
    }

    @Test
    void unknownKeysAndWrongShapes() {
        List<String> e = errors("""
                name: x
                inputz: []
                inputs:
                - {name: a, optional: maybe}
                - just-a-name
                implementation:
                  container:
                    image: 3
                    args: {inputValue: a}
                    env: {A: [1]}
                    fileOutputs: {b: /b.txt}
                """);
        assertEquals(List.of(
                "test.yaml:2:1: unknown key 'inputz' in the component; expected one of: description, implementation,"
                        + " inputs, metadata, name, outputs, version",
                "test.yaml:4:23: expected true or false for inputs[0].optional, found 'maybe'",
                "test.yaml:5:3: expected a mapping for inputs[1], found 'just-a-name'",
                "test.yaml:8:12: expected a string for implementation.container.image, found the number 3 (quote it)",
                "test.yaml:9:11: expected a list for args, found a mapping",
                "test.yaml:10:14: expected a string for implementation.container.env.A, found a list",
                "test.yaml:11:19: implementation.container.fileOutputs names unknown output 'b'; outputs are: (none)"), e);
    }

    @Test
    void placeholderShapes() {
        List<String> e = errors("""
                inputs: [{name: a}]
                implementation:
                  container:
                    image: alpine
                    args:
                    - {isPresent: a}
                    - {inputValue: a, inputPath: a}
                    - {if: {then: [x]}}
                    - {if: {cond: {concat: [a]}, then: [x]}}
                    - [nested, list]
                    -
                    - {concat: a}
                """);
        assertEquals(List.of(
                "test.yaml:6:8: isPresent is only allowed as an if condition (args[0]); write {if: {cond: {isPresent:"
                        + " NAME}, then: [...]}}",
                "test.yaml:7:7: a placeholder has exactly one key, args[1] has 2: inputValue, inputPath; expected one of"
                        + " inputValue, inputPath, outputPath, inputUri, outputUri, concat, if",
                "test.yaml:8:12: args[2].if needs cond; expected {cond: ..., then: [...], else: [...]}",
                "test.yaml:9:19: args[3].if.cond must be {isPresent: NAME}, {inputValue: NAME} or a constant; found"
                        + " 'concat'",
                "test.yaml:10:7: expected a string or a placeholder in args[4], found a list",
                "test.yaml:11:6: null is not a command-line argument (args[5]); write '' for an empty argument",
                "test.yaml:12:16: expected a list for args[6].concat, found 'a'"), e);
    }

    @Test
    void missingImplementation() {
        assertOneError("test.yaml:1:1: the component has no implementation; expected implementation.container or"
                + " implementation.graph", "name: nothing\n");
        assertOneError("test.yaml:1:17: implementation is empty; expected container or graph", "implementation: {}\n");
        assertOneError("test.yaml:1:29: expected a mapping for implementation.container, found null",
                "implementation: {container: null}\n");
    }

    @Test
    void collectsAllErrorsInOrder() {
        List<String> e = errors("""
                inputs: [{name: a}, {name: a}]
                outputs: [{name: o}]
                implementation:
                  container:
                    image: alpine
                    args: [{inputValue: b}, {outputPath: p}, {bad: 1}]
                """);
        assertEquals(4, e.size(), e.toString());
    }

    @Test
    void unreadableFile() {
        SpecException e = assertThrows(SpecException.class, () -> ComponentLoader.load(Path.of("no/such/file.yaml")));
        assertEquals("no/such/file.yaml:1:1: cannot read the file: it does not exist", e.getMessage());
    }

    @Test
    void invalidUtf8() {
        assertThrows(SpecException.class, () -> ComponentLoader.parse("x", "f", null)); // a scalar, not a mapping
        SpecException e = assertThrows(SpecException.class, () -> ComponentLoader.load(writeBytes(new byte[] {
                'n', 'a', 'm', 'e', ':', ' ', (byte) 0xff, '\n'})));
        assertAnyErrorContains(List.of(e.getMessage()), "the file is not valid UTF-8 text");
    }

    /** Issue 13: a 593-byte component with aliases nine deep took over 60 s and 5 GB in validate. */
    @Test
    void theAliasBombIsRefusedByTheAliasLimit() {
        StringBuilder b = new StringBuilder("name: bomb\ninputs:\n- name: a\n  default:\n    l0: &a0 [x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("    l").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(8, "*a" + (i - 1)))).append("]\n");
        }
        b.append("implementation:\n  container: {image: alpine}\n");
        List<String> e = errors(b.toString());
        assertEquals(1, e.size(), e.toString());
        assertAnyErrorContains(e, "YAML aliases expand the document by more than Relay's limit of 100000 nodes (alias expansion limit)");
    }

    /** Issue 13: componentRef.url /dev/zero ended in an OutOfMemoryError stack trace. */
    @Test
    void aDeviceAsComponentUrlIsRefusedByName() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(Path.of("/dev/zero")), "no /dev/zero here");
        List<String> e = errors("""
                name: p
                implementation:
                  graph:
                    tasks:
                      t: {componentRef: {url: /dev/zero}}
                """);
        assertEquals(1, e.size(), e.toString());
        assertAnyErrorContains(e, "/dev/zero is a device, FIFO or socket, not a regular file");
        SpecException dev = assertThrows(SpecException.class, () -> ComponentLoader.load(Path.of("/dev/zero")));
        assertAnyErrorContains(List.of(dev.getMessage()), "/dev/zero is a device, FIFO or socket, not a regular file");
    }

    /** Issue 13: a relative fileOutputs path passed validate and failed at launch; '../' in an output name passed too. */
    @Test
    void validateCatchesWhatLaunchWouldRefuse() {
        List<String> e = errors("""
                outputs: [{name: model}, {name: ../escape}]
                implementation:
                  container:
                    image: alpine
                    fileOutputs: {model: out/model.bin}
                """);
        assertEquals(List.of(
                "test.yaml:1:33: outputs[1]: output name '../escape' is not a relative path without '.', '..' or empty"
                        + " segments (it names the output's object in the bucket)",
                "test.yaml:5:26: implementation.container.fileOutputs.model must be an absolute path in the container"
                        + " (the program writes the output there), got 'out/model.bin'"), e);
    }

    private static Path writeBytes(byte[] b) throws java.io.IOException {
        Path p = java.nio.file.Files.createTempFile("relay-spec", ".yaml");
        p.toFile().deleteOnExit();
        java.nio.file.Files.write(p, b);
        return p;
    }
}
