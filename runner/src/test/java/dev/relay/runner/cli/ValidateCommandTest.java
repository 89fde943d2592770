package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relay validate FILE}: exit codes 0/1/2, summary on stdout, FILE:LINE:COL errors on stderr. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        CommandLine cl = RelayCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void validComponent() throws IOException {
        Path p = write("c.yaml", """
                name: Echo
                inputs: [{name: text}]
                outputs: [{name: out}]
                implementation: {container: {image: alpine, command: [echo, {inputValue: text}, {outputPath: out}]}}
                """);
        Result r = run("validate", p.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(p + ": valid component 'Echo' (inputs: 1, outputs: 1, tasks: 0)\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void validPipeline() throws IOException {
        write("c.yaml", "name: Echo\ninputs: [{name: text}]\nimplementation: {container: {image: alpine}}\n");
        Path p = write("p.yaml", """
                name: echo twice
                inputs: [{name: text, default: hi}]
                implementation:
                  graph:
                    tasks:
                      one: {componentRef: {url: c.yaml}, arguments: {text: {graphInput: {inputName: text}}}}
                      two: {componentRef: {url: c.yaml}, arguments: {text: bye}}
                """);
        Result r = run("validate", p.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(p + ": valid pipeline 'echo twice' (inputs: 1, outputs: 0, tasks: 2)\n", r.out());
    }

    @Test
    void invalidFileOneLinePerError() throws IOException {
        Path p = write("bad.yaml", """
                inputs: [{name: count}]
                implementation:
                  container:
                    image: alpine
                    args: [a, b, c, {inputValue: cnt}, {outputPath: x}]
                """);
        Result r = run("validate", p.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals(p + ":5:34: unknown input 'cnt' in args[3]; inputs are: count\n"
                + p + ":5:53: unknown output 'x' in args[4]; outputs are: (none)\n", r.err());
    }

    @Test
    void malformedYaml() throws IOException {
        Path p = write("bad.yaml", "name: [unclosed\n");
        Result r = run("validate", p.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith(p + ":2:1: invalid YAML: "), r.err());
    }

    @Test
    void unreadableAndUsage() {
        Result missing = run("validate", dir.resolve("nope.yaml").toString());
        assertEquals(2, missing.code());
        assertEquals(dir.resolve("nope.yaml") + ":1:1: cannot read the file: it does not exist\n", missing.err());
        Result directory = run("validate", dir.toString());
        assertEquals(2, directory.code());
        assertEquals(2, run("validate").code());
        assertEquals(2, run("validate", "a.yaml", "b.yaml").code());
    }

    @Test
    void aConstantOfTheWrongTypeForANestedPipelineOrTaskInputIsAnError() throws IOException {
        String nested;
        try (var in = ValidateCommandTest.class.getResourceAsStream("/v2/nested.yaml")) {
            nested = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Path ok = write("ok.yaml", nested.replace("""
                      inner-pipeline:
                        componentRef: {name: comp-inner-pipeline}
                        taskInfo: {name: inner-pipeline}
                """, """
                      inner-pipeline:
                        componentRef: {name: comp-inner-pipeline}
                        inputs: {parameters: {lr: {runtimeValue: {constant: 0.25}}}}
                        taskInfo: {name: inner-pipeline}
                """));
        Result r = run("validate", ok.toString());
        assertEquals(0, r.code(), r.err());
        // the nested pipeline's NUMBER_DOUBLE input given a word
        Path inner = write("inner.yaml", Files.readString(ok).replace("constant: 0.25", "constant: fast"));
        r = run("validate", inner.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains(inner + ":1:1: root.dag.tasks.inner-pipeline.inputs.parameters.lr.runtimeValue: "
                + "'fast' is not a number (input 'lr' of comp-inner-pipeline)"), r.err());
        // a task inside a loop inside a loop: an integer input given 1.5, a boolean-typed one given a list
        Path deep = write("deep.yaml", nested.replace("b: {componentInputParameter: pipelinechannel--loop-item-param-4}",
                "b: {runtimeValue: {constant: 1.5}}"));
        r = run("validate", deep.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("components.comp-for-loop-3.dag.tasks.use.inputs.parameters.b.runtimeValue: "
                + "1.5 is not an integer (input 'b' of comp-use)"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aV1ConstantOfTheWrongTypeIsAnErrorInNestedGraphsToo() throws IOException {
        write("c.yaml", "name: Echo\ninputs: [{name: count, type: Integer}, {name: flag, type: Boolean, default: 'True'}]\n"
                + "implementation: {container: {image: alpine, command: [echo, {inputValue: count}, {inputValue: flag}]}}\n");
        write("inner.yaml", """
                name: inner
                inputs: [{name: n, type: Integer}]
                implementation:
                  graph:
                    tasks:
                      e: {componentRef: {url: c.yaml}, arguments: {count: {graphInput: {inputName: n}}, flag: maybe}}
                """);
        Path p = write("p.yaml", """
                name: outer
                implementation:
                  graph:
                    tasks:
                      direct: {componentRef: {url: c.yaml}, arguments: {count: abc}}
                      ok: {componentRef: {url: c.yaml}, arguments: {count: 10, flag: false}}
                      nested: {componentRef: {url: inner.yaml}, arguments: {n: '1.5'}}
                """);
        Result r = run("validate", p.toString());
        assertEquals(1, r.code(), r.out());
        assertEquals(p + ":1:1: implementation.graph.tasks.direct.arguments.count: 'abc' is not an integer"
                + " (input 'count' of 'Echo' is Integer)\n"
                + p + ":1:1: implementation.graph.tasks.nested.arguments.n: '1.5' is not an integer"
                + " (input 'n' of 'inner' is Integer)\n"
                + p + ":1:1: implementation.graph.tasks.nested.componentRef.implementation.graph.tasks.e.arguments.flag: 'maybe'"
                + " is not a boolean (true or false) (input 'flag' of 'Echo' is Boolean)\n", r.err());
        Cli run = Cli.run("run", p.toString(), "--state-dir", dir.resolve("state").toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("tasks.direct.arguments.count: 'abc' is not an integer"), run.err());
    }
}
