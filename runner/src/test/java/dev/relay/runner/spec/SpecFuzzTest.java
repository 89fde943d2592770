package dev.relay.runner.spec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.relay.runner.run.RunService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz test of the one entry every spec file goes through ({@link RunService#prepare}: v1
 * components and graphs, KFP v2 IR, Argo packages): mutations of the repository's own example and
 * fixture files must end in success or a {@link SpecException} whose messages are plain text (no
 * Java exception names, no stack frames), never another exception and never a hang. Bounded in
 * count ({@link #CASES_PER_SEED} per seed file) and in time (each case within
 * {@link #CASE_SECONDS} s); the seed of {@link Random} is fixed so a failure is reproducible, and
 * the failure message names the seed file and the mutation.
 */
class SpecFuzzTest {
    static final int CASES_PER_SEED = 40;
    static final int CASE_SECONDS = 20;
    private static final String[] TOKENS = {"", "{", "}", "[", "]", ":", "- ", "&a", "*a", "!!binary", "!!python/object:os.system",
        "~", "null", "-1", "99999999999999999999", "1e400", "\"", "'", "\t", "\u0000", "\uFFFF", "{{inputs.parameters.x}}",
        "{{$.inputs.parameters['x']}}", "{inputValue: nope}", "{outputPath: ../../x}", "/dev/zero", "file:///etc/passwd",
        "x".repeat(5000), "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "? complex key", "<<: *a", "%YAML 1.1", "---", "..."};

    @TempDir
    Path dir;

    @Test
    void mutatedSpecFilesEndInAClearErrorOrSuccess() throws Exception {
        Path repo = Path.of(System.getProperty("relay.repo.dir", "../"));
        List<Path> seeds;
        try (Stream<Path> s = Stream.concat(Files.walk(repo.resolve("examples")), Files.walk(repo.resolve("runner/src/test/resources")))) {
            seeds = s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$") && Files.isRegularFile(p)).sorted().collect(Collectors.toList());
        }
        assertTrue(seeds.size() >= 10, "seed files found: " + seeds);
        Random random = new Random(20261202L);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spec-fuzz");
            t.setDaemon(true);
            return t;
        });
        List<String> failures = new ArrayList<>();
        int cases = 0;
        try {
            int n = 0;
            for (Path seed : seeds) {
                String text = Files.readString(seed, StandardCharsets.UTF_8);
                // component files named by componentRef.url resolve beside the file: copy the seed's siblings
                Path work = Files.createDirectories(dir.resolve("seed-" + n++));
                try (Stream<Path> siblings = Files.list(seed.getParent())) {
                    for (Path p : siblings.filter(Files::isRegularFile).collect(Collectors.toList())) {
                        Files.copy(p, work.resolve(p.getFileName()));
                    }
                }
                for (int i = 0; i < CASES_PER_SEED; i++) {
                    StringBuilder how = new StringBuilder();
                    String mutated = mutate(text, random, how);
                    Path file = work.resolve("fuzz-" + i + "-" + seed.getFileName());
                    try {
                        Files.writeString(file, mutated, StandardCharsets.UTF_8);
                        cases++;
                        String problem = check(pool, file);
                        if (problem != null) {
                            failures.add(repo.relativize(seed) + " [" + how + "]: " + problem);
                        }
                    } finally {
                        Files.deleteIfExists(file);
                    }
                    if (failures.size() >= 10) {
                        break;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " mutated files ended badly:\n" + String.join("\n", failures));
        }
    }

    /** @return null when the file was accepted or refused with plain errors; else what went wrong */
    private static String check(ExecutorService pool, Path file) throws InterruptedException {
        Future<String> f = pool.submit(() -> {
            try {
                RunService.prepare(file);
                return null;
            } catch (SpecException e) {
                for (SpecError err : e.errors()) {
                    String m = err.toString();
                    if (m.matches("(?s).*\\b(java|javax|com\\.fasterxml|org\\.yaml|dev\\.relay)\\.[a-zA-Z.]+(Exception|Error)\\b.*")
                            || m.contains("\tat ") || m.contains("NullPointer") || m.contains("IndexOutOfBounds")
                            || m.contains("ClassCast")) {
                        return "error text leaks Java internals: " + m;
                    }
                    if (err.line() < 1 || err.column() < 1) {
                        return "position is not 1-based (issue 13: 35 kinds of error were at 0:0): " + m;
                    }
                }
                return null;
            } catch (Throwable t) {
                return t.getClass().getName() + ": " + t.getMessage();
            }
        });
        try {
            return f.get(CASE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return "no answer within " + CASE_SECONDS + " s";
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().toString();
        }
    }

    /** One to three random edits of lines, tokens or bytes; {@code how} says which, for the failure message. */
    static String mutate(String text, Random r, StringBuilder how) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int at = r.nextInt(lines.size());
            switch (r.nextInt(7)) {
                case 0 -> {
                    lines.remove(at);
                    how.append("delete line ").append(at + 1).append("; ");
                }
                case 1 -> {
                    lines.add(at, lines.get(at));
                    how.append("duplicate line ").append(at + 1).append("; ");
                }
                case 2 -> {
                    int other = r.nextInt(lines.size());
                    String l = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, l);
                    how.append("swap lines ").append(at + 1).append(",").append(other + 1).append("; ");
                }
                case 3 -> {
                    lines.set(at, (r.nextBoolean() ? "  " : "") + lines.get(at).stripLeading());
                    how.append("re-indent line ").append(at + 1).append("; ");
                }
                case 4 -> {
                    String tok = TOKENS[r.nextInt(TOKENS.length)];
                    String l = lines.get(at);
                    int colon = l.indexOf(": ");
                    lines.set(at, colon >= 0 ? l.substring(0, colon + 2) + tok : l + tok);
                    how.append("value of line ").append(at + 1).append(" := token ").append(tokenName(tok)).append("; ");
                }
                case 5 -> {
                    String l = lines.get(at);
                    int cut = l.isEmpty() ? 0 : r.nextInt(l.length());
                    lines.set(at, l.substring(0, cut));
                    how.append("truncate line ").append(at + 1).append(" at ").append(cut).append("; ");
                }
                default -> {
                    String tok = TOKENS[r.nextInt(TOKENS.length)];
                    lines.add(at, tok);
                    how.append("insert line ").append(at + 1).append(" token ").append(tokenName(tok)).append("; ");
                }
            }
        }
        return String.join("\n", lines);
    }

    private static String tokenName(String tok) {
        return tok.length() > 20 ? tok.substring(0, 5) + "…(" + tok.length() + " chars)" : tok.replace("\u0000", "\\0");
    }
}
