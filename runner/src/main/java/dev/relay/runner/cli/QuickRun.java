package dev.relay.runner.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code relay run} without picocli, for the plain arguments a run is nearly always given: picocli
 * builds its command model by reflection from classes too old for the class-data-sharing archive,
 * about 0.4 s of CPU before a run can start. {@link #parse} takes only argument lists whose meaning
 * is beyond doubt ({@code run}, then in any order at most one FILE, {@code -p NAME=VALUE} /
 * {@code --param NAME=VALUE} with distinct names, and at most once each {@code --json},
 * {@code --no-cache}, {@code --state-dir DIR}, {@code --resume RUN}, every value a separate
 * argument); anything else (help, {@code --opt=value}, {@code @files}, a value that starts with
 * {@code -}, quotes, a repeated option, an unknown one...) returns null and picocli parses as
 * before, so every argument list means what it meant and every error reads as it did.
 */
final class QuickRun {
    private QuickRun() {
    }

    /**
     * @return the {@code run} command with its options set as picocli would set them, or null when
     *     picocli must parse {@code args}
     */
    static RunCommand parse(String... args) {
        if (args.length < 2 || !"run".equals(args[0])) {
            return null;
        }
        RunCommand c = new RunCommand();
        boolean json = false;
        boolean noCache = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!plain(a)) {
                return null;
            }
            if (!a.startsWith("-")) {
                if (c.file != null) {
                    return null;
                }
                c.file = path(a);
                if (c.file == null) {
                    return null;
                }
                continue;
            }
            switch (a) {
                case "--json" -> {
                    if (json) {
                        return null;
                    }
                    json = true;
                }
                case "--no-cache" -> {
                    if (noCache) {
                        return null;
                    }
                    noCache = true;
                }
                case "-p", "--param", "--state-dir", "--resume" -> {
                    if (i + 1 >= args.length || !plain(args[i + 1]) || args[i + 1].startsWith("-")) {
                        return null;
                    }
                    String v = args[++i];
                    if (a.equals("--state-dir")) {
                        if (c.stateDir != null || (c.stateDir = path(v)) == null) {
                            return null;
                        }
                    } else if (a.equals("--resume")) {
                        if (c.resume != null) {
                            return null;
                        }
                        c.resume = v;
                    } else {
                        int eq = v.indexOf('=');
                        if (eq <= 0 || c.params.containsKey(v.substring(0, eq))) {
                            return null;
                        }
                        c.params.put(v.substring(0, eq), v.substring(eq + 1));
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        c.json = json;
        c.noCache = noCache;
        return c;
    }

    /** An argument picocli takes literally: not empty, no {@code @file}, no quotes. */
    private static boolean plain(String a) {
        return !a.isEmpty() && a.charAt(0) != '@' && a.indexOf('"') < 0 && a.indexOf('\'') < 0;
    }

    private static Path path(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * Runs the command on stdout and stderr, writers made as picocli makes its own, and handles
     * what it throws as {@link RelayCli}'s command line does.
     *
     * @return the exit code
     */
    static int execute(RunCommand c) {
        PrintWriter out = writer(System.out, "sun.stdout.encoding");
        PrintWriter err = writer(System.err, "sun.stderr.encoding");
        return execute(c, out, err);
    }

    /** As {@link #execute(RunCommand)}, on the given writers (flushed before it returns). */
    static int execute(RunCommand c, PrintWriter out, PrintWriter err) {
        c.stdout = out;
        c.stderr = err;
        try {
            return c.call();
        } catch (Exception e) {
            return RelayCli.failed(e, out, err, c.json);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static PrintWriter writer(OutputStream stream, String encodingProperty) {
        Charset cs = Charset.defaultCharset();
        String name = System.getProperty(encodingProperty);
        if (name != null) {
            try {
                cs = Charset.forName("cp65001".equalsIgnoreCase(name) ? "UTF-8" : name);
            } catch (RuntimeException e) {
                // picocli falls back to the default too
            }
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, cs)), true);
    }
}
