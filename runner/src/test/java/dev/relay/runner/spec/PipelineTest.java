package dev.relay.runner.spec;

import static dev.relay.runner.spec.TestSupport.assertAnyErrorContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KFP v1 graph components: componentRef resolution, arguments, the task DAG and its errors. */
class PipelineTest {
    static final String GEN = """
            name: Generate
            inputs: [{name: count, type: Integer, default: '3'}]
            outputs: [{name: numbers}]
            implementation:
              container:
                image: alpine
                command: [sh, -c, 'seq "$0" > "$1"', {inputValue: count}, {outputPath: numbers}]
            """;
    static final String SUM = """
            name: Sum
            inputs: [{name: numbers}, {name: scale, optional: true}]
            outputs: [{name: sum}, {name: MLPipeline Metrics}]
            implementation:
              container:
                image: alpine
                command: [sh, -c, 'paste -sd+ "$0" | bc > "$1"', {inputPath: numbers}, {outputPath: sum}]
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void components() throws IOException {
        write("components/gen.yaml", GEN);
        write("components/sum.yaml", SUM);
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    List<String> loadErrors(Path p) {
        SpecException e = assertThrows(SpecException.class, () -> ComponentLoader.load(p));
        return e.errors().stream().map(SpecError::toString).collect(Collectors.toList());
    }

    @Test
    void pipelineWithUrlFileUrlDigestAndInlineSpec() throws Exception {
        String digest = SpecParser.sha256(Files.readAllBytes(dir.resolve("components/sum.yaml")));
        Path p = write("pipeline.yaml", """
                name: random-sum
                inputs: [{name: count, type: Integer, default: '10'}]
                outputs: [{name: total}]
                implementation:
                  graph:
                    tasks:
                      gen:
                        componentRef: {url: components/gen.yaml}
                        arguments: {count: {graphInput: {inputName: count}}}
                      Sum It:
                        componentRef: {url: 'file:components/sum.yaml', digest: DIGEST}
                        arguments:
                          numbers: {taskOutput: {taskId: gen, outputName: numbers}}
                          scale: 2
                        annotations: {relay.dev/timeout: 5m, relay.dev/cpu: 1, relay.dev/memory: 256Mi}
                        executionOptions: {retryStrategy: {maxRetries: 2}, cachingStrategy: {maxCacheStaleness: P0D}}
                      print:
                        componentRef:
                          spec:
                            name: Print
                            inputs: [{name: text}]
                            implementation: {container: {image: alpine, command: [cat, {inputPath: text}]}}
                        arguments: {text: {taskOutput: {taskId: Sum It, outputName: sum}}}
                      gen2:
                        componentRef: {url: ABS}
                        arguments: {count: {graphInput: count}}
                    outputValues:
                      total: {taskOutput: {taskId: Sum It, outputName: sum}}
                """.replace("DIGEST", digest).replace("ABS", dir.resolve("components/gen.yaml").toUri().toString()));
        ComponentSpec c = ComponentLoader.load(p);
        assertTrue(c.isPipeline());
        assertEquals("random-sum", c.name());
        GraphSpec g = c.graph();
        assertEquals(List.of("gen", "Sum It", "print", "gen2"), List.copyOf(g.tasks().keySet()));
        assertEquals(List.of("gen", "gen2", "Sum It", "print"), g.topologicalOrder());
        assertEquals(Set.of(), g.upstream("gen"));
        assertEquals(Set.of("Sum It"), g.downstream("gen"));
        assertEquals(Set.of("gen"), g.upstream("Sum It"));
        assertEquals(Set.of("print"), g.downstream("Sum It"));
        assertEquals(List.of("gen", "gen2"), g.roots());
        TaskSpec sum = g.tasks().get("Sum It");
        assertEquals("Sum", sum.component().name());
        assertEquals(Map.of("numbers", new Argument.TaskOutput("gen", "numbers"), "scale", new Argument.Constant(2)),
                sum.arguments());
        assertEquals(Set.of("gen"), sum.dependencies());
        assertEquals(Map.of("relay.dev/timeout", "5m", "relay.dev/cpu", "1", "relay.dev/memory", "256Mi"),
                sum.annotations());
        assertEquals(2, sum.maxRetries());
        assertEquals(0, g.tasks().get("gen").maxRetries());
        assertEquals(Map.of("count", new Argument.GraphInput("count")), g.tasks().get("gen").arguments());
        assertEquals(Map.of("count", new Argument.GraphInput("count")), g.tasks().get("gen2").arguments());
        // the same file referenced twice is loaded once
        assertSame(g.tasks().get("gen").component(), g.tasks().get("gen2").component());
        assertEquals(dir.resolve("components/gen.yaml").toString(), g.tasks().get("gen").component().sourceFile());
        assertEquals("Print", g.tasks().get("print").component().name());
        assertEquals(Map.of("total", new Argument.TaskOutput("Sum It", "sum")), g.outputValues());
        assertThrows(IllegalArgumentException.class, () -> g.upstream("nope"));
    }

    @Test
    void cycleIsNamed() throws IOException {
        Path p = write("cycle.yaml", """
                implementation:
                  graph:
                    tasks:
                      a:
                        componentRef: {url: components/sum.yaml}
                        arguments: {numbers: {taskOutput: {taskId: c, outputName: sum}}}
                      b:
                        componentRef: {url: components/sum.yaml}
                        arguments: {numbers: {taskOutput: {taskId: a, outputName: sum}}}
                      c:
                        componentRef: {url: components/sum.yaml}
                        arguments: {numbers: {taskOutput: {taskId: b, outputName: sum}}}
                """);
        assertEquals(List.of(p + ":4:7: the task graph has a cycle: a -> b -> c -> a; a pipeline must be a DAG"
                + " (taskOutput arguments define the edges)"), loadErrors(p));
        Path self = write("self.yaml", """
                implementation:
                  graph:
                    tasks:
                      me:
                        componentRef: {url: components/sum.yaml}
                        arguments: {numbers: {taskOutput: {taskId: me, outputName: sum}}}
                """);
        assertAnyErrorContains(loadErrors(self), "the task graph has a cycle: me -> me");
    }

    @Test
    void taskOutputNamingMissingTaskOrOutput() throws IOException {
        Path p = write("p.yaml", """
                implementation:
                  graph:
                    tasks:
                      gen: {componentRef: {url: components/gen.yaml}}
                      s1:
                        componentRef: {url: components/sum.yaml}
                        arguments: {numbers: {taskOutput: {taskId: gne, outputName: numbers}}}
                      s2:
                        componentRef: {url: components/sum.yaml}
                        arguments: {numbers: {taskOutput: {taskId: gen, outputName: number}}}
                """);
        assertEquals(List.of(
                p + ":7:30: unknown task 'gne' in tasks.s1.arguments.numbers.taskOutput; tasks are: gen, s1, s2",
                p + ":10:30: task 'gen' has no output 'number' (tasks.s2.arguments.numbers.taskOutput); outputs of"
                        + " 'Generate' are: numbers"), loadErrors(p));
    }

    @Test
    void requiredInputWithoutArgumentAndUnknownArguments() throws IOException {
        Path p = write("p.yaml", """
                inputs: [{name: n}]
                outputs: [{name: out}]
                implementation:
                  graph:
                    tasks:
                      sum:
                        componentRef: {url: components/sum.yaml}
                        arguments: {scale: {graphInput: {inputName: m}}, numbrs: x}
                    outputValues:
                      out: {taskOutput: {taskId: sum, outputName: sum}}
                      extra: {taskOutput: {taskId: sum, outputName: sum}}
                """);
        assertEquals(List.of(
                p + ":8:28: unknown pipeline input 'm' in tasks.sum.arguments.scale; inputs are: n",
                p + ":8:58: unknown input 'numbrs' in tasks.sum.arguments; inputs of 'Sum' are: numbers, scale",
                p + ":6:7: task 'sum': required input 'numbers' of 'Sum' has no argument; add it under"
                        + " tasks.sum.arguments",
                p + ":11:7: outputValues names unknown output 'extra'; outputs are: out"), loadErrors(p));
    }

    @Test
    void componentRefUrlMissingShowsPath() throws IOException {
        Path p = write("p.yaml", """
                implementation:
                  graph:
                    tasks:
                      t: {componentRef: {url: components/nope.yaml}}
                """);
        assertEquals(List.of(p + ":4:31: tasks.t.componentRef.url 'components/nope.yaml' does not exist: "
                + dir.resolve("components/nope.yaml").toAbsolutePath().normalize()), loadErrors(p));
    }

    @Test
    void digestMismatch() throws IOException {
        String digest = SpecParser.sha256(Files.readAllBytes(dir.resolve("components/gen.yaml")));
        Path p = write("p.yaml", """
                implementation:
                  graph:
                    tasks:
                      t:
                        componentRef:
                          url: components/gen.yaml
                          digest: '0000000000000000000000000000000000000000000000000000000000000000'
                """);
        assertEquals(List.of(p + ":7:19: digest mismatch for tasks.t.componentRef.url 'components/gen.yaml': the file's"
                + " sha256 is " + digest + ", the pipeline expects"
                + " 0000000000000000000000000000000000000000000000000000000000000000"), loadErrors(p));
        // unquoted, YAML 1.1 reads all-digit hex with a leading 0 as an octal number, as PyYAML does
        Path q = write("q.yaml", Files.readString(p).replace("'", ""));
        assertEquals(List.of(q + ":7:19: expected a string for tasks.t.componentRef.digest, found the number"
                + " 0000000000000000000000000000000000000000000000000000000000000000 (quote it)"), loadErrors(q));
    }

    @Test
    void nameAloneAndRemoteUrlAreErrors() throws IOException {
        Path p = write("p.yaml", """
                implementation:
                  graph:
                    tasks:
                      a: {componentRef: {name: Generate}}
                      b: {componentRef: {url: 'https://example.com/component.yaml'}}
                """);
        List<String> e = loadErrors(p);
        assertEquals(2, e.size(), e.toString());
        assertTrue(e.get(0).startsWith(p + ":4:25: tasks.a.componentRef has no url or spec; a name, digest or tag"
                + " alone cannot be resolved"), e.get(0));
        assertTrue(e.get(1).startsWith(p + ":5:31: tasks.b.componentRef.url 'https://example.com/component.yaml': only"
                + " paths relative to this file and file: URLs are supported"), e.get(1));
    }

    @Test
    void errorsInsideReferencedFileNameThatFile() throws IOException {
        Path bad = write("components/bad.yaml", "name: Bad\nimplementation:\n  container:\n    image: alpine\n"
                + "    args: [{inputValue: missing}]\n");
        Path p = write("p.yaml", """
                implementation:
                  graph:
                    tasks:
                      a: {componentRef: {url: components/bad.yaml}}
                      b: {componentRef: {url: components/bad.yaml}}
                """);
        assertEquals(List.of(
                bad + ":5:25: unknown input 'missing' in args[0]; inputs are: (none)",
                p + ":4:31: tasks.a.componentRef.url 'components/bad.yaml': the referenced component is invalid (see its"
                        + " errors)",
                p + ":5:31: tasks.b.componentRef.url 'components/bad.yaml': the referenced component is invalid (see its"
                        + " errors)"), loadErrors(p));
    }

    @Test
    void fileReferenceCycle() throws IOException {
        write("loop/a.yaml", "implementation: {graph: {tasks: {t: {componentRef: {url: b.yaml}}}}}\n");
        write("loop/b.yaml", "implementation: {graph: {tasks: {t: {componentRef: {url: a.yaml}}}}}\n");
        List<String> e = loadErrors(dir.resolve("loop/a.yaml"));
        assertAnyErrorContains(e, "refers back to a file that is being loaded: a.yaml -> b.yaml -> a.yaml");
    }

    @Test
    void dnsCollisionAndBadIsEnabled() throws IOException {
        Path p = write("p.yaml", """
                implementation:
                  graph:
                    tasks:
                      Train model: {componentRef: {url: components/gen.yaml}}
                      train_model: {componentRef: {url: components/gen.yaml}}
                      c: {componentRef: {url: components/gen.yaml}, isEnabled: {'=~': {op1: a, op2: b}}}
                """);
        assertEquals(List.of(
                p + ":6:65: expected one of [==, !=, >, >=, <, <=], not, and, or as the only key of tasks.c.isEnabled,"
                        + " found '=~'",
                p + ":5:7: task ids 'Train model' and 'train_model' both become 'train-model' as DNS-1123 names (object"
                        + " keys, Job names); rename one"), loadErrors(p));
    }

    @Test
    void argumentShapes() {
        SpecException e = assertThrows(SpecException.class, () -> ComponentLoader.parse("""
                implementation:
                  graph:
                    tasks:
                      t:
                        componentRef: {spec: {inputs: [{name: a}, {name: b}, {name: c}], implementation: {container: {image: x}}}}
                        arguments:
                          a: [1, 2]
                          b: {constant: 1}
                          c: {taskOutput: {taskId: t}}
                        executionOptions: {retryStrategy: {maxRetries: -1}}
                """, "inline.yaml", null));
        List<String> lines = e.errors().stream().map(SpecError::toString).toList();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("inline.yaml:7:14: expected a constant (string, number, boolean),"
                + " {graphInput: {inputName: NAME}} or {taskOutput: {taskId: T, outputName: O}} for tasks.t.arguments.a,"
                + " found a list"), lines.get(0));
        assertTrue(lines.get(1).endsWith("found a mapping with constant"), lines.get(1));
        assertEquals("inline.yaml:9:27: tasks.t.arguments.c.taskOutput needs taskId and outputName", lines.get(2));
        assertEquals("inline.yaml:10:56: expected a whole number >= 0 for tasks.t.executionOptions.retryStrategy.maxRetries,"
                + " found the number -1", lines.get(3));
    }

    @Test
    void nestedPipeline() throws Exception {
        write("inner.yaml", """
                name: inner
                inputs: [{name: count}]
                outputs: [{name: numbers}]
                implementation:
                  graph:
                    tasks:
                      g: {componentRef: {url: components/gen.yaml}, arguments: {count: {graphInput: count}}}
                    outputValues: {numbers: {taskOutput: {taskId: g, outputName: numbers}}}
                """);
        Path outer = write("outer.yaml", """
                name: outer
                implementation:
                  graph:
                    tasks:
                      in: {componentRef: {url: inner.yaml}, arguments: {count: 5}}
                      s:
                        componentRef: {url: components/sum.yaml}
                        arguments: {numbers: {taskOutput: {taskId: in, outputName: numbers}}}
                """);
        ComponentSpec c = ComponentLoader.load(outer);
        assertTrue(c.graph().tasks().get("in").component().isPipeline());
        assertEquals(List.of("in", "s"), c.graph().topologicalOrder());
    }
}
