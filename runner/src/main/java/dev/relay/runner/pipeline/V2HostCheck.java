package dev.relay.runner.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relay.runner.executor.PlatformSpec;
import dev.relay.runner.executor.PythonEnvCache;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this host cannot do for a KFP v2 pipeline (IR) run on the embedded default, found before
 * anything is launched, one line per problem naming the executor and the missing thing:
 * <ul>
 *   <li><b>image-only tools</b>: a container command whose program is not on this host's
 *       {@code PATH} ({@code my_program}, {@code jq}), a script file of the image ({@code sh run.sh}),
 *       {@code python3 -m M} for a module the host's {@code python3} cannot import, a containerized
 *       Python component (its code is in the image), a container without a command, an
 *       {@code sh -c} script using {@code [[ ]]} when this host's {@code sh} lacks it (dash);</li>
 *   <li><b>network packages</b>: a lightweight component whose {@code pip install} names packages
 *       besides {@code kfp} that no configured wheel folder ({@code PIP_FIND_LINKS}, pip.conf
 *       {@code find-links}) holds, when no package index is configured either
 *       ({@code PIP_INDEX_URL}, {@code PIP_EXTRA_INDEX_URL}, pip.conf {@code index-url}); a
 *       {@code curl}/{@code wget} of an {@code http(s)://} URL; Python code that calls
 *       {@code requests.get(}, {@code urlopen(} and the like. {@code RELAY_ALLOW_NETWORK=1} turns
 *       these off on a host that has the network;</li>
 *   <li><b>GCS</b>: {@code gsutil}/{@code gcloud}/{@code bq} in a command, or an importer of a
 *       {@code gs://} (or other non-local) URI whose artifact a task consumes;</li>
 *   <li><b>Kubernetes platform config</b> ({@code kfp-kubernetes}) a process cannot honour
 *       ({@link PlatformSpec#unsupportedLocally()}), and a pipeline workspace
 *       ({@code platforms.kubernetes.pipelineConfig.workspace}, a PVC). Scheduling hints (node
 *       selector, tolerations, affinity, labels) and resource limits mean nothing on one host and
 *       are ignored; an optional secret or config map whose name parameter is unset is skipped, as
 *       KFP's driver does.</li>
 * </ul>
 * The KFP pin of a lightweight component ({@code kfp==2.x}) is not checked: pip decides, and its
 * own message is the task's failure reason.
 */
public final class V2HostCheck {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "zsh", "/bin/sh", "/bin/bash", "/usr/bin/env");
    private static final Set<String> SHELL_WORDS = Set.of("if", "then", "else", "elif", "fi", "for", "in", "do", "done",
            "while", "until", "case", "esac", "function", "{", "}", "!", "[", "[[", "]]", "]", "test", "echo", "printf",
            "cd", "export", "set", "exit", "return", "true", "false", "read", "local", "shift", "eval", "source", ".",
            ":", "trap", "wait", "break", "continue", "unset", "time", "command", "type", "umask", "ulimit", "alias", "let");
    /** Environment variable: {@code 1} lets pipelines use the network (packages from PyPI, downloads). */
    public static final String ALLOW_NETWORK = "RELAY_ALLOW_NETWORK";
    private static final Pattern NETWORK_CALL = Pattern.compile(
            "\\brequests\\.(get|post|put|delete|head|request)\\(|\\burlopen\\(|\\burlretrieve\\(|\\bhttp\\.client\\.HTTPS?Connection\\(");
    private static final Set<String> GCP_TOOLS = Set.of("gsutil", "gcloud", "bq");
    private static final Pattern PROGRAM = Pattern.compile("[A-Za-z0-9_./+-]+");
    private static final Pattern NAME_VALUE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);
    private static final Set<String> PIP_VALUE_OPTIONS = Set.of("-i", "--index-url", "--extra-index-url", "-f",
            "--find-links", "--trusted-host", "-c", "--constraint", "-r", "--requirement", "--target", "-t", "--prefix",
            "--root", "--platform", "--python-version", "--implementation", "--abi", "--cache-dir", "--src", "-e", "--editable");

    private final Map<String, String> env;
    private final Predicate<String> onPath;
    private final Predicate<String> importable;
    private final java.util.function.BooleanSupplier shBrackets;
    /** Whether this host's {@code sh} runs {@code [[ ]]}: asked once. */
    private static volatile Boolean hostShBrackets;

    /**
     * @param env        the environment a run gets (PATH and PIP_* are read)
     * @param onPath     whether a program name (no slash) is on this host's PATH
     * @param importable whether the host's {@code python3} imports a top-level module
     */
    public V2HostCheck(Map<String, String> env, Predicate<String> onPath, Predicate<String> importable) {
        this(env, onPath, importable, () -> true);
    }

    /**
     * @param shBrackets whether this host's {@code sh} knows {@code [[ ]]} (bash, busybox; not dash)
     * @see #V2HostCheck(Map, Predicate, Predicate)
     */
    public V2HostCheck(Map<String, String> env, Predicate<String> onPath, Predicate<String> importable,
                       java.util.function.BooleanSupplier shBrackets) {
        this.env = Map.copyOf(env);
        this.onPath = onPath;
        this.importable = importable;
        this.shBrackets = shBrackets;
    }

    /** A check of this host: {@code env}'s PATH searched on disk, modules asked of {@code python3}. */
    public static V2HostCheck of(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        Map<String, Boolean> modules = new HashMap<>();
        return new V2HostCheck(env, p -> Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, p)) && !Files.isDirectory(Path.of(d, p))),
                m -> modules.computeIfAbsent(m, V2HostCheck::pythonImports), V2HostCheck::shKnowsBrackets);
    }

    /** Asks this host's {@code sh} (once) whether it runs {@code [[ a == a ]]}. */
    private static boolean shKnowsBrackets() {
        Boolean b = hostShBrackets;
        if (b == null) {
            b = false;
            try {
                Process p = new ProcessBuilder("sh", "-c", "[[ a == a ]]").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(30, TimeUnit.SECONDS)) {
                    b = p.exitValue() == 0;
                } else {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                b = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            hostShBrackets = b;
        }
        return b;
    }

    /**
     * Checks an IR pipeline.
     *
     * @param p      a pipeline read by {@link IrReader} (a v1 pipeline has no problems here)
     * @param params the run's parameter values as text ({@code -p}), for platform names given
     *               through pipeline parameters; absent ones take the pipeline's defaults
     * @return one line per problem, {@code executor exec-x: ...}, in the IR's executor order; empty
     *     when this host can run it all
     */
    public List<String> problems(Pipeline p, Map<String, String> params) {
        JsonNode spec = p.spec();
        if (spec == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        JsonNode executors = spec.path("deploymentSpec").path("executors");
        Set<String> consumedImporters = consumedImporterExecutors(spec);
        for (Iterator<Map.Entry<String, JsonNode>> it = executors.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String label = e.getKey();
            JsonNode ex = e.getValue();
            if (ex.has("container")) {
                container(label, ex.get("container"), out);
            } else if (ex.has("importer")) {
                importer(label, ex.get("importer"), consumedImporters.contains(label), params, spec, out);
            } else {
                String kind = ex.fieldNames().hasNext() ? ex.fieldNames().next() : "nothing";
                out.add("executor " + label + ": a '" + kind + "' executor runs only on Vertex AI / KFP's backend");
            }
        }
        platform(p.platforms(), params, spec, out);
        return List.copyOf(out);
    }

    private void container(String label, JsonNode c, Set<String> out) {
        String at = "executor " + label + " (image " + c.path("image").asText("?") + "): ";
        List<String> argv = new ArrayList<>();
        c.path("command").forEach(n -> argv.add(n.isTextual() ? n.asText() : n.toString()));
        c.path("args").forEach(n -> argv.add(n.isTextual() ? n.asText() : n.toString()));
        if (!c.path("command").isArray() || c.path("command").isEmpty()) {
            out.add(at + "no command: the container relies on its image's entrypoint, which a local process cannot run");
            return;
        }
        boolean executorMain = argv.stream().anyMatch(a -> a.contains("kfp.dsl.executor_main"));
        var installs = PythonEnvCache.pipInstalls(argv);
        if (installs.isPresent()) {
            if (!allowNetwork()) {
                packages(at, installs.get(), out);
                Matcher m = NETWORK_CALL.matcher(String.join("\n", argv));
                if (m.find()) {
                    out.add(at + "the component's code reaches the network (" + m.group() + "...); set "
                            + ALLOW_NETWORK + "=1 where the host has it");
                }
            }
            return;
        }
        if (executorMain) {
            out.add(at + "a containerized Python component: its code is in the image, which a local host does not have");
            return;
        }
        program(at, argv, c.path("image").asText("?"), out);
    }

    /** Checks the program of a plain container command. */
    private void program(String at, List<String> argv, String image, Set<String> out) {
        String prog = argv.get(0);
        if (prog.contains("{{$")) {
            return;
        }
        String base = prog.substring(prog.lastIndexOf('/') + 1);
        if (SHELLS.contains(prog) || SHELLS.contains(base)) {
            int i = 1;
            while (i < argv.size() && argv.get(i).startsWith("-") && !argv.get(i).contains("c")) {
                i++;
            }
            if (i < argv.size() && argv.get(i).startsWith("-") && argv.get(i).contains("c")) {
                if (i + 1 < argv.size()) {
                    script(at, argv.get(i + 1), out);
                    if (base.equals("sh") && PythonEnvCache.words(argv.get(i + 1)).contains("[[") && !shBrackets.getAsBoolean()) {
                        out.add(at + "its sh script uses [[ ]], which the image's sh may have (bash, busybox) but this host's"
                                + " sh does not (a POSIX sh such as dash)");
                    }
                }
                return;
            }
            if (i < argv.size() && !argv.get(i).contains("{{$")) {
                String file = argv.get(i);
                if (!Files.isRegularFile(Path.of(file))) {
                    out.add(at + "runs the script " + file + ", a file of the image " + image + " (not on this host)");
                }
            }
            return;
        }
        if (base.startsWith("python")) {
            int m = argv.indexOf("-m");
            if (m > 0 && m + 1 < argv.size()) {
                String module = argv.get(m + 1).split("\\.")[0];
                if (!module.contains("{{") && !importable.test(module)) {
                    out.add(at + "runs the Python module " + argv.get(m + 1) + ", which is in the image, not on this host ("
                            + "python3 cannot import '" + module + "')");
                }
                return;
            }
        }
        tool(at, prog, out);
    }

    private void tool(String at, String prog, Set<String> out) {
        if (GCP_TOOLS.contains(prog)) {
            out.add(at + "needs Google Cloud Storage: runs " + prog + " (a local host has no GCS access)");
        } else if (prog.startsWith("/") ? !Files.isExecutable(Path.of(prog)) : !onPath.test(prog)) {
            out.add(at + "needs the program '" + prog + "', which is in the image only (not on this host's PATH)");
        }
    }

    /** Scans a {@code sh -c} script: the first word of each simple command. */
    private void script(String at, String script, Set<String> out) {
        if (script.contains("{{$") && script.strip().startsWith("{{$")) {
            return;
        }
        for (String line : script.replace("\\\n", " ").split("\n")) {
            List<String> words = PythonEnvCache.words(line);
            boolean start = true;
            String prev = null;
            for (String raw : words) {
                boolean ends = raw.endsWith(";") || raw.endsWith("&") || raw.endsWith("|");
                String w = raw.replaceAll("[;&|]+$", "").replaceAll("^[({]+", "");
                if (raw.equals("&&") || raw.equals("||") || raw.equals("|") || raw.equals(";") || raw.equals("&")) {
                    start = true;
                    continue;
                }
                if (start) {
                    if (w.isEmpty() || NAME_VALUE.matcher(w).matches() || w.equals("exec") || w.equals("then")
                            || w.equals("do") || w.equals("else") || w.equals("!")) {
                        prev = w;
                        continue;
                    }
                    start = false;
                    if (PROGRAM.matcher(w).matches() && !SHELL_WORDS.contains(w) && !w.contains("$")) {
                        tool(at, w, out);
                    }
                    prev = w;
                } else if (prev != null && (prev.equals("curl") || prev.equals("wget")) && w.matches("https?://.*") && !allowNetwork()) {
                    out.add(at + "downloads " + w + " (needs the network)");
                }
                if (ends) {
                    start = true;
                }
            }
        }
    }

    /** The packages of a lightweight component's pip installs, beyond kfp. */
    private void packages(String at, List<List<String>> installs, Set<String> out) {
        List<String> missing = new ArrayList<>();
        String index = null;
        for (List<String> args : installs) {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.startsWith("-")) {
                    if ((a.equals("--index-url") || a.equals("-i") || a.equals("--extra-index-url")) && i + 1 < args.size()) {
                        index = args.get(i + 1);
                    }
                    if (PIP_VALUE_OPTIONS.contains(a)) {
                        i++;
                    }
                    continue;
                }
                String project = project(a);
                if (project.isEmpty() || project.equals("kfp") || project.startsWith("kfp-")
                        || (project.equals("typing-extensions") && a.contains("python_version<\"3.9\""))) {
                    continue;
                }
                if (!inWheelFolders(project) && !inIndex(project)) {
                    missing.add(a.split(";")[0].strip());
                }
            }
        }
        if (!missing.isEmpty()) {
            out.add(at + "needs the network package" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + " from " + (index == null ? "PyPI" : index) + ": no wheel folder (PIP_FIND_LINKS) holds "
                    + (missing.size() == 1 ? "it" : "them") + " and no package index (PIP_INDEX_URL) is configured");
        }
    }

    /** The normalized project name of a requirement ({@code scikit-learn==1.4.0} → {@code scikit-learn}). */
    static String project(String requirement) {
        String r = requirement.strip();
        int end = 0;
        while (end < r.length() && (Character.isLetterOrDigit(r.charAt(end)) || "._-".indexOf(r.charAt(end)) >= 0)) {
            end++;
        }
        return r.substring(0, end).toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /**
     * Whether a configured package index may have {@code project}: an {@code http(s)} index is
     * trusted (the user chose the network); a {@code file://} index must list the project.
     */
    private boolean inIndex(String project) {
        if (isTrue(env.get("PIP_NO_INDEX"))) {
            return false;
        }
        List<String> urls = new ArrayList<>();
        for (String k : List.of("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")) {
            urls.addAll(List.of(env.getOrDefault(k, "").split("\\s+")));
        }
        for (String l : pipConf()) {
            if (l.matches("\\s*(extra-)?index-url\\s*=.*")) {
                urls.addAll(List.of(l.substring(l.indexOf('=') + 1).strip().split("\\s+")));
            }
            if (l.matches("\\s*no-index\\s*=\\s*(1|true|yes|on)\\s*")) {
                return false;
            }
        }
        for (String u : urls) {
            if (u.startsWith("http://") || u.startsWith("https://")) {
                return true;
            }
            if (u.startsWith("file://") && Files.isDirectory(Path.of(u.substring(7)).resolve(project))) {
                return true;
            }
        }
        return false;
    }

    private boolean inWheelFolders(String project) {
        List<String> dirs = new ArrayList<>();
        for (String d : env.getOrDefault("PIP_FIND_LINKS", "").split("\\s+")) {
            if (!d.isBlank()) {
                dirs.add(d.startsWith("file://") ? d.substring(7) : d);
            }
        }
        for (String l : pipConf()) {
            if (l.matches("\\s*find-links\\s*=.*")) {
                dirs.add(l.substring(l.indexOf('=') + 1).strip());
            }
        }
        for (String d : dirs) {
            try (Stream<Path> files = Files.list(Path.of(d))) {
                if (files.anyMatch(f -> project(f.getFileName().toString().replaceFirst("-[0-9].*$", "")).equals(project))) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // not a folder (an URL): pip decides
                if (d.startsWith("http")) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<String> pipConf() {
        List<Path> files = new ArrayList<>();
        if ("/dev/null".equals(env.get("PIP_CONFIG_FILE"))) {
            return List.of(); // pip's way to load no configuration at all
        }
        if (env.containsKey("PIP_CONFIG_FILE")) {
            files.add(Path.of(env.get("PIP_CONFIG_FILE")));
        }
        String home = env.get("HOME");
        if (home != null) {
            files.add(Path.of(home, ".config/pip/pip.conf"));
            files.add(Path.of(home, ".pip/pip.conf"));
        }
        files.add(Path.of("/etc/pip.conf"));
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            try {
                if (Files.isRegularFile(f)) {
                    lines.addAll(Files.readAllLines(f));
                }
            } catch (IOException e) {
                // unreadable: pip ignores it too
            }
        }
        return lines;
    }

    private boolean allowNetwork() {
        return isTrue(env.get(ALLOW_NETWORK));
    }

    private static boolean isTrue(String v) {
        return v != null && List.of("1", "true", "yes", "on").contains(v.toLowerCase(Locale.ROOT));
    }

    private void importer(String label, JsonNode imp, boolean consumed, Map<String, String> params, JsonNode spec,
                          Set<String> out) {
        JsonNode u = imp.path("artifactUri");
        String uri = u.has("constant") ? (u.get("constant").isTextual() ? u.get("constant").asText()
                : u.get("constant").path("stringValue").asText("")) : null;
        if (uri == null) {
            // runtimeParameter: the importer task's input, usually a pipeline parameter of the same name
            return;
        }
        if (!consumed) {
            return;
        }
        if (uri.startsWith("gs://")) {
            out.add("executor " + label + ": imports " + uri + ", which a task reads: needs Google Cloud Storage "
                    + "(a local host has no GCS access)");
        } else if (uri.matches("[a-z][a-z0-9+.-]*://.*") && !uri.startsWith("s3://") && !uri.startsWith("minio://")
                && !uri.startsWith("file://")) {
            out.add("executor " + label + ": imports " + uri + ", which a task reads: a " + uri.substring(0, uri.indexOf(':'))
                    + " URI Relay cannot fetch");
        }
    }

    /** Executor labels of importers whose output some task of the same DAG takes as an input artifact. */
    private static Set<String> consumedImporterExecutors(JsonNode spec) {
        Set<String> out = new LinkedHashSet<>();
        List<JsonNode> dags = new ArrayList<>();
        dags.add(spec.path("root").path("dag"));
        spec.path("components").forEach(c -> dags.add(c.path("dag")));
        for (JsonNode dag : dags) {
            Map<String, String> importerOf = new LinkedHashMap<>();
            dag.path("tasks").fields().forEachRemaining(t -> {
                String comp = t.getValue().path("componentRef").path("name").asText();
                String label = spec.path("components").path(comp).path("executorLabel").asText("");
                if (spec.path("deploymentSpec").path("executors").path(label).has("importer")) {
                    importerOf.put(t.getKey(), label);
                }
            });
            if (importerOf.isEmpty()) {
                continue;
            }
            dag.path("tasks").forEach(t -> t.path("inputs").path("artifacts").forEach(a -> {
                String producer = a.path("taskOutputArtifact").path("producerTask").asText("");
                if (importerOf.containsKey(producer)) {
                    out.add(importerOf.get(producer));
                }
            }));
            dag.path("outputs").path("artifacts").forEach(a -> a.path("artifactSelectors").forEach(s -> {
                String producer = s.path("producerSubtask").asText("");
                if (importerOf.containsKey(producer)) {
                    out.add(importerOf.get(producer));
                }
            }));
        }
        return out;
    }

    private void platform(JsonNode platforms, Map<String, String> params, JsonNode spec, Set<String> out) {
        JsonNode k = platforms == null ? null : platforms.path("kubernetes");
        if (k == null || k.isMissingNode()) {
            return;
        }
        if (k.path("pipelineConfig").has("workspace")) {
            out.add("platforms.kubernetes.pipelineConfig.workspace: the pipeline's workspace is a Kubernetes PVC "
                    + "(size " + k.path("pipelineConfig").path("workspace").path("size").asText("?") + "), which a local host cannot mount");
        }
        JsonNode rootInputs = spec.path("root").path("inputDefinitions").path("parameters");
        for (Iterator<Map.Entry<String, JsonNode>> it = k.path("deploymentSpec").path("executors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            PlatformSpec ps;
            try {
                ps = PlatformSpec.parse(e.getKey(), e.getValue(), ch -> channel(ch, params, rootInputs));
            } catch (IllegalArgumentException x) {
                out.add(x.getMessage());
                continue;
            }
            for (String f : ps.unsupportedLocally()) {
                out.add("executor " + e.getKey() + ": platforms.kubernetes " + f + " needs Kubernetes (a local process has none)");
            }
        }
    }

    /** A platform channel's value at check time: a pipeline parameter's (given or default), or a stand-in for a task output. */
    private static JsonNode channel(JsonNode ch, Map<String, String> params, JsonNode rootInputs) {
        if (ch.has("componentInputParameter")) {
            String name = ch.get("componentInputParameter").asText();
            if (params.containsKey(name)) {
                return TextNode.valueOf(params.get(name));
            }
            JsonNode d = rootInputs.path(name).path("defaultValue");
            if (!d.isMissingNode() && !d.isNull()) {
                return d;
            }
            return rootInputs.path(name).path("isOptional").asBoolean(false) ? null
                    : TextNode.valueOf("pipeline parameter '" + name + "'");
        }
        if (ch.has("taskOutputParameter")) {
            JsonNode t = ch.get("taskOutputParameter");
            return TextNode.valueOf("output '" + t.path("outputParameterKey").asText() + "' of task '"
                    + t.path("producerTask").asText() + "'");
        }
        return null;
    }

    private static boolean pythonImports(String module) {
        if (!module.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("python3", "-c",
                    "import importlib.util,sys; sys.exit(0 if importlib.util.find_spec('" + module + "') else 1)")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
