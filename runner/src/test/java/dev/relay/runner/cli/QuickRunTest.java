package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relay run} without picocli ({@link QuickRun}): the same command picocli would run, or none. */
class QuickRunTest {
    @TempDir Path state;

    /** The run command as picocli parses {@code args} for main. */
    private static RunCommand picocli(String... args) {
        CommandLine.ParseResult parsed = RelayCli.commandLine(args).parseArgs(args);
        return (RunCommand) parsed.subcommand().commandSpec().userObject();
    }

    private static String fields(RunCommand c) {
        return "file=" + c.file + " resume=" + c.resume + " params=" + c.params + " json=" + c.json
                + " noCache=" + c.noCache + " stateDir=" + c.stateDir;
    }

    @Test
    void plainArgumentsParseAsPicocliParsesThem() {
        List<String[]> cases = List.of(
                new String[] {"run", "p.yaml"},
                new String[] {"run", "examples/random-sum/pipeline.yaml", "-p", "count=10"},
                new String[] {"run", "p.yaml", "-p", "count=10", "--json", "--state-dir", "/tmp/s"},
                new String[] {"run", "--json", "-p", "a=1", "--param", "b=x=y", "p.yaml", "--no-cache"},
                new String[] {"run", "-p", "empty=", "-p", "file=@in.txt", "-p", "uri=s3://b/k", "p.yaml"},
                new String[] {"run", "--resume", "r-20260101-000000-abcdef", "--state-dir", "rel/dir"},
                new String[] {"run", "--state-dir", "s", "p.yaml", "-p", "text=a b  c"},
                new String[] {"run", "p.yaml", "-p", "z=1", "-p", "a=2", "-p", "m=3"});
        for (String[] args : cases) {
            RunCommand quick = QuickRun.parse(args);
            assertNotNull(quick, String.join(" ", args));
            assertEquals(fields(picocli(args)), fields(quick), String.join(" ", args));
            assertEquals(List.copyOf(picocli(args).params.keySet()), List.copyOf(quick.params.keySet()), "parameter order");
        }
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        List<String[]> cases = List.of(
                new String[] {"run"},
                new String[] {"validate", "p.yaml"},
                new String[] {"--version"},
                new String[] {"run", "-h"},
                new String[] {"run", "p.yaml", "--help"},
                new String[] {"run", "p.yaml", "--json=true"},
                new String[] {"run", "p.yaml", "--state-dir=s"},
                new String[] {"run", "p.yaml", "--param=a=1"},
                new String[] {"run", "p.yaml", "-pa=1"},
                new String[] {"run", "p.yaml", "-p"},
                new String[] {"run", "p.yaml", "-p", "noequals"},
                new String[] {"run", "p.yaml", "-p", "=v"},
                new String[] {"run", "p.yaml", "-p", "a=1", "-p", "a=2"},
                new String[] {"run", "p.yaml", "-p", "-x=1"},
                new String[] {"run", "p.yaml", "--state-dir", "--json"},
                new String[] {"run", "p.yaml", "--state-dir", "a", "--state-dir", "b"},
                new String[] {"run", "p.yaml", "--json", "--json"},
                new String[] {"run", "p.yaml", "--no-cache", "--no-cache"},
                new String[] {"run", "--resume", "r1", "--resume", "r2"},
                new String[] {"run", "p.yaml", "q.yaml"},
                new String[] {"run", "@args.txt"},
                new String[] {"run", "p.yaml", "-p", "@a=1"},
                new String[] {"run", "p.yaml", "-p", "a=\"quoted\""},
                new String[] {"run", "p.yaml", "-p", "a='quoted'"},
                new String[] {"run", "p.yaml", "--"},
                new String[] {"run", "p.yaml", "-"},
                new String[] {"run", ""},
                new String[] {"run", "p.yaml", "--unknown"},
                new String[] {"run", "p\0.yaml"});
        for (String[] args : cases) {
            assertNull(QuickRun.parse(args), String.join(" ", args));
        }
    }

    @Test
    void runsLikeThePicocliCommandLine() throws Exception {
        Path missing = state.resolve("no-such.yaml");
        String[] args = {"run", missing.toString(), "--json", "--state-dir", state.toString()};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = QuickRun.execute(QuickRun.parse(args), new PrintWriter(out, true), new PrintWriter(err, true));
        Cli viaPicocli = Cli.run(args);
        assertEquals(2, exit);
        assertEquals(viaPicocli.exit(), exit);
        assertEquals(viaPicocli.out(), out.toString());
        assertEquals(viaPicocli.err(), err.toString());
        JsonNode doc = Json.MAPPER.readTree(out.toString());
        assertTrue(doc.get("error").asText().contains("no such file"), out.toString());
    }

    @Test
    void aDirectoryGivenAsTheFileIsNamedAsSuchByBothParsers() throws Exception {
        Path dir = Files.createDirectories(state.resolve("pipelines"));
        for (boolean json : new boolean[] {false, true}) {
            String[] args = json ? new String[] {"run", dir.toString(), "--json", "--state-dir", state.toString()}
                    : new String[] {"run", dir.toString(), "--state-dir", state.toString()};
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = QuickRun.execute(QuickRun.parse(args), new PrintWriter(out, true), new PrintWriter(err, true));
            Cli viaPicocli = Cli.run(args);
            assertEquals(2, exit);
            assertEquals(viaPicocli.exit(), exit);
            assertEquals(viaPicocli.out(), out.toString());
            assertEquals(viaPicocli.err(), err.toString());
            assertEquals("relay: " + dir + ": is a directory, not a file\n", err.toString());
        }
    }

    @Test
    void anUnexpectedFailureReadsAsThroughPicocli() throws Exception {
        Path notADir = Files.writeString(state.resolve("file"), "x");
        Path pipeline = RunCommandTest.repo().resolve("examples/random-sum/print.component.yaml");
        String[] args = {"run", pipeline.toString(), "-p", "text=hi", "--json", "--state-dir", notADir.resolve("state").toString()};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = QuickRun.execute(QuickRun.parse(args), new PrintWriter(out, true), new PrintWriter(err, true));
        Cli viaPicocli = Cli.run(args);
        assertEquals(1, exit, err.toString());
        assertEquals(viaPicocli.exit(), exit);
        assertEquals(viaPicocli.out(), out.toString());
        assertEquals(viaPicocli.err(), err.toString());
        assertTrue(err.toString().startsWith("relay: "), err.toString());
    }
}
