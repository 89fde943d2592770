package dev.relay.runner.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the relay CLI in-process and captures what it prints. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = RelayCli.commandLine(args); // as main builds it: only the named subcommand
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }
}
