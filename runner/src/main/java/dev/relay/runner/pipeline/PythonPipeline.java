package dev.relay.runner.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a KFP v2 pipeline written in Python ({@code relay run pipeline.py}) with the KFP SDK the
 * user's interpreter imports ({@code $RELAY_PYTHON}, else {@code python3} from {@code PATH}), into
 * IR YAML: the file is imported as a module (its {@code __main__} block does not run) and its only
 * {@code @dsl.pipeline} (or, without one, its only component) is compiled by
 * {@code kfp.compiler.Compiler} (the script is {@code compile_pipeline.py}, a resource beside this
 * class). Relay ships no SDK: where none is importable the error says how to install one.
 */
public final class PythonPipeline {
    /** The script run by the interpreter. */
    public static final String SCRIPT = "compile_pipeline.py";
    private static final long TIMEOUT_SECONDS = 300;

    private PythonPipeline() {}

    /** A file that could not be compiled; the message is for the user, one or more lines. */
    public static final class CompileException extends Exception {
        /** @param message what failed and, when kfp is missing, how to install it */
        public CompileException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The outcome for one source.
     *
     * @param output   the YAML written (when {@code ok})
     * @param pipeline the variable compiled (when {@code ok})
     * @param error    the Python exception as {@code Type: message (line N)} (when not {@code ok})
     */
    public record Result(Path source, Path output, boolean ok, String pipeline, String error) {}

    /** @return whether {@code file} is a Python source ({@code .py}) */
    public static boolean isPython(Path file) {
        return file.getFileName().toString().endsWith(".py");
    }

    /**
     * Compiles {@code source} to {@code output}.
     *
     * @param name the pipeline to compile (variable or pipeline name), or null for the file's only one
     * @param env  the environment of the interpreter (the user's)
     * @throws CompileException when no interpreter imports kfp (the message says how to install
     *     it), or the file fails to import or compile (Python's own error, with the line)
     */
    public static Result compile(Path source, Path output, String name, Map<String, String> env) throws CompileException {
        Result r = compileAll(List.of(new Job(source, output, name)), env).get(0);
        if (!r.ok()) {
            throw new CompileException(source + ": cannot compile the pipeline with the KFP SDK: " + r.error());
        }
        return r;
    }

    /** One source to compile: {@code name} may be null. */
    public record Job(Path source, Path output, String name) {}

    /**
     * Compiles several sources in one interpreter (one SDK import).
     *
     * @return one result per job, in order
     * @throws CompileException when no interpreter imports kfp
     */
    public static List<Result> compileAll(List<Job> jobs, Map<String, String> env) throws CompileException {
        String python = env.getOrDefault("RELAY_PYTHON", "python3");
        Path dir = null;
        try {
            dir = Files.createTempDirectory("relay-compile");
            Path script = dir.resolve(SCRIPT);
            try (InputStream in = PythonPipeline.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException("the resource " + SCRIPT + " is missing from Relay's jar");
                }
                Files.write(script, in.readAllBytes());
            }
            StringBuilder list = new StringBuilder();
            for (Job j : jobs) {
                list.append(j.source().toAbsolutePath()).append('\t').append(j.output().toAbsolutePath()).append('\t')
                        .append(j.name() == null ? "" : j.name()).append('\n');
            }
            Path listFile = dir.resolve("jobs.tsv");
            Files.writeString(listFile, list, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--batch", listFile.toString())
                    .redirectError(dir.resolve("stderr.txt").toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new CompileException(noSdk(python, "cannot start " + python + ": " + e.getMessage()));
            }
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CompileException("compiling with " + python + " took longer than " + TIMEOUT_SECONDS + " s");
            }
            List<JsonNode> lines = new ArrayList<>();
            for (String l : stdout.split("\n")) {
                if (l.startsWith("{")) {
                    lines.add(Json.MAPPER.readTree(l));
                }
            }
            if (p.exitValue() == 3) {
                throw new CompileException(noSdk(python, lines.isEmpty() ? "kfp cannot be imported" : lines.get(0).path("error").asText()));
            }
            if (lines.size() != jobs.size()) {
                String err = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8).strip();
                throw new CompileException(python + " " + SCRIPT + " ended with exit code " + p.exitValue()
                        + " after " + lines.size() + " of " + jobs.size() + " files" + (err.isEmpty() ? "" : ":\n" + err));
            }
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                JsonNode n = lines.get(i);
                out.add(new Result(jobs.get(i).source(), jobs.get(i).output(), n.path("ok").asBoolean(),
                        n.path("pipeline").asText(null), n.path("error").asText(null)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException("interrupted while compiling");
        } finally {
            deleteQuietly(dir);
        }
    }

    private static String noSdk(String python, String why) {
        return "a Python pipeline is compiled with the KFP SDK, and " + python + " has none (" + why + ").\n"
                + "Install it:  " + python + " -m pip install kfp   (or set RELAY_PYTHON to an interpreter that has it),\n"
                + "or compile the file yourself and run the YAML:  kfp dsl compile --py FILE --output pipeline.yaml";
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
