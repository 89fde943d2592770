package dev.relay.runner.executor;

import dev.relay.eventing.Sha256;
import dev.relay.runner.contract.AttemptStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Virtualenvs for KFP lightweight Python components run as local processes, one per package set,
 * built once and reused.
 *
 * <p>The KFP compiler prefixes a {@code @dsl.component}'s command with
 * {@code sh -c '… python3 -m pip install … 'kfp==X' … && "$0" "$@"'}: in KFP's image that installs
 * into the image's interpreter. Locally Relay runs the command unchanged, with a virtualenv put
 * first on {@code PATH} (so {@code python3} and {@code pip} are the venv's, never the host's):
 * the venv is built with the same {@code pip install} arguments, by the host's {@code python3 -m venv},
 * with the user's own pip configuration ({@code PIP_INDEX_URL}, {@code PIP_FIND_LINKS},
 * {@code PIP_NO_INDEX}, {@code pip.conf}: pip reads them from the environment as usual), so it works
 * offline where a wheel folder is configured. The command's own {@code pip install} then finds
 * everything installed. A package set that pip cannot satisfy fails the execution with pip's own
 * message.
 *
 * <p>Layout: {@code <root>/<sha256 of python + install args, 16 hex>/} with a {@code .relay-ready}
 * marker written last; a directory without it (an interrupted build) is rebuilt. Builds of one key
 * are serialised by a file lock, so concurrent executions (and processes) build it once.
 */
public final class PythonEnvCache {
    private static final String READY = ".relay-ready";
    private final Path root;
    private final String python;

    /**
     * @param root   where venvs live (e.g. {@code <stateDir>/python-envs})
     * @param python the interpreter that builds them ({@code python3} from {@code PATH} by default)
     */
    public PythonEnvCache(Path root, String python) {
        this.root = root.toAbsolutePath().normalize();
        this.python = python;
    }

    /** Builds venvs with {@code python3} from {@code PATH}. */
    public PythonEnvCache(Path root) {
        this(root, "python3");
    }

    /**
     * Finds the compiler's pip installs in a lightweight component's argv.
     *
     * @return each {@code pip install} command's arguments (after {@code install}), in order; empty
     *     when the argv is not a KFP lightweight component ({@code sh -c '…pip install…"$0" "$@"'}
     *     followed by {@code kfp.dsl.executor_main})
     */
    public static Optional<List<List<String>>> pipInstalls(List<String> argv) {
        if (argv.size() < 4 || !argv.get(0).equals("sh") || !argv.get(1).equals("-c")) {
            return Optional.empty();
        }
        String script = argv.get(2);
        if (!script.contains("pip install") || !script.contains("\"$0\" \"$@\"")) {
            return Optional.empty();
        }
        boolean executor = argv.subList(3, argv.size()).stream().anyMatch(a -> a.contains("kfp.dsl.executor_main"));
        if (!executor) {
            return Optional.empty();
        }
        List<List<String>> installs = new ArrayList<>();
        for (String segment : script.split("&&|\n")) {
            List<String> words = words(segment);
            int i = words.indexOf("install");
            if (i > 0 && words.get(i - 1).equals("pip")) {
                installs.add(List.copyOf(words.subList(i + 1, words.size())));
            }
        }
        return installs.isEmpty() ? Optional.empty() : Optional.of(installs);
    }

    /**
     * Returns the venv for these installs, building it first when absent (pip's output goes to
     * {@code progress}, line by line).
     *
     * @param env      the environment pip runs with (the user's: {@code PIP_*} variables included)
     * @param progress receives progress lines of a first build; nothing when the venv is reused
     * @return the venv's directory ({@code bin/python3} inside)
     * @throws ExecutorException {@code LaunchFailed} with pip's own error lines when pip fails, or
     *     when no {@code python3} can build a venv
     */
    public Path ensure(List<List<String>> installs, Map<String, String> env, Consumer<String> progress) {
        String key = key(installs);
        Path venv = root.resolve(key);
        if (Files.exists(venv.resolve(READY))) {
            return venv;
        }
        try {
            Files.createDirectories(root);
            synchronized (PythonEnvCache.class) {
                try (FileChannel ch = FileChannel.open(root.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    if (Files.exists(venv.resolve(READY))) {
                        return venv;
                    }
                    build(venv, installs, env, progress);
                    return venv;
                }
            }
        } catch (IOException e) {
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "cannot build the Python environment in " + venv + ": " + e.getMessage());
        }
    }

    /**
     * @return {@code env} with the venv first on {@code PATH} and {@code VIRTUAL_ENV} set
     *     ({@code PYTHONHOME} removed), as {@code bin/activate} would
     */
    public static Map<String, String> activate(Path venv, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>(env);
        String path = out.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        out.put("PATH", venv.resolve("bin") + ":" + path);
        out.put("VIRTUAL_ENV", venv.toString());
        out.remove("PYTHONHOME");
        return out;
    }

    private void build(Path venv, List<List<String>> installs, Map<String, String> env, Consumer<String> progress) throws IOException {
        deleteRecursively(venv);
        String summary = installs.stream().flatMap(List::stream).filter(a -> !a.startsWith("-")).toList().toString();
        progress.accept("relay: building a Python environment for " + summary + " in " + venv + " (first use; reused afterwards)");
        run(List.of(python, "-m", "venv", venv.toString()), env, progress, "python3 -m venv");
        for (List<String> args : installs) {
            List<String> cmd = new ArrayList<>(List.of(venv.resolve("bin/python").toString(), "-m", "pip", "install",
                    "--disable-pip-version-check", "--progress-bar", "off"));
            for (String a : args) {
                if (!a.equals("--quiet") && !a.equals("-q")) {
                    cmd.add(a);
                }
            }
            run(cmd, env, progress, "pip install " + String.join(" ", args));
        }
        Files.writeString(venv.resolve(READY), String.join("\n", installs.stream().map(l -> String.join(" ", l)).toList()) + "\n");
        progress.accept("relay: Python environment ready");
    }

    private void run(List<String> cmd, Map<String, String> env, Consumer<String> progress, String what) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().remove("VIRTUAL_ENV");
        pb.environment().put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "cannot run " + cmd.get(0)
                    + " to build the component's Python environment: " + e.getMessage());
        }
        p.getOutputStream().close();
        Deque<String> errors = new ArrayDeque<>();
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                progress.accept(line);
                if (line.startsWith("ERROR:")) {
                    errors.add(line);
                }
                tail.add(line);
                if (tail.size() > 5) {
                    tail.removeFirst();
                }
            }
        }
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "interrupted while building the Python environment");
        }
        if (exit != 0) {
            String msg = String.join("\n", errors.isEmpty() ? tail : errors);
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, what + " failed (exit code " + exit + "): " + msg);
        }
    }

    private String key(List<List<String>> installs) {
        StringBuilder sb = new StringBuilder(python).append('\0').append(interpreterId());
        for (List<String> l : installs) {
            sb.append('\n').append(String.join("\0", l));
        }
        return Sha256.hex(sb.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** @return the real path of the interpreter (a new Python gets new venvs), or its name */
    private String interpreterId() {
        String exe = python;
        if (!exe.contains("/")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, exe);
                if (Files.isExecutable(p)) {
                    exe = p.toString();
                    break;
                }
            }
        }
        try {
            return Path.of(exe).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return exe;
        }
    }

    /** Splits shell text into words: single and double quotes, backslash escapes; nothing else. */
    public static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    end = s.length();
                }
                w.append(s, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    w.append(s.charAt(i));
                    i++;
                }
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                w.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
