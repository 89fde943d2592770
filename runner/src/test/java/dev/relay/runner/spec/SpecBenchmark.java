package dev.relay.runner.spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark (a main, not a test): parse + validate + resolve time per public component file,
 * after warm-up. Run after {@code ./mvnw -B -q -pl runner -am verify}:
 * <pre>
 * java -cp 'runner/target/classes:runner/target/test-classes:runner/target/lib/*' \
 *      dev.relay.runner.spec.SpecBenchmark [../shared/cases/v1_components]
 * </pre>
 * Each file's text is read once; the timed loop runs {@link ComponentLoader#parse} (YAML, model,
 * validation) and then {@link Resolver#resolve} with a value for every input.
 */
public final class SpecBenchmark {
    private SpecBenchmark() {
    }

    /** @param args optional folder of component files (default ../shared/cases/v1_components) */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/cases/v1_components");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        Map<Path, String> texts = new LinkedHashMap<>();
        for (Path f : files) {
            texts.put(f, Files.readString(f, StandardCharsets.UTF_8));
        }
        int warmup = 3000;
        int measured = 5000;
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            for (Map.Entry<Path, String> e : texts.entrySet()) {
                sink += once(e.getKey(), e.getValue()).argv().size();
            }
        }
        System.out.printf("%-62s %7s %10s %10s %10s%n", "file (KiB)", "size", "parse µs", "resolve µs", "total µs");
        double sumTotal = 0;
        for (Map.Entry<Path, String> e : texts.entrySet()) {
            Path f = e.getKey();
            String text = e.getValue();
            long parseNs = 0;
            long resolveNs = 0;
            for (int i = 0; i < measured; i++) {
                long t0 = System.nanoTime();
                ComponentSpec c = ComponentLoader.parse(text, f.toString(), f.getParent());
                long t1 = System.nanoTime();
                ResolvedCommand r = Resolver.resolve(c, arguments(c), TestSupport.PATHS);
                long t2 = System.nanoTime();
                parseNs += t1 - t0;
                resolveNs += t2 - t1;
                sink += r.argv().size();
            }
            double p = parseNs / 1e3 / measured;
            double r = resolveNs / 1e3 / measured;
            sumTotal += p + r;
            System.out.printf("%-62s %7.1f %10.1f %10.2f %10.1f%n", f.getFileName(), text.length() / 1024.0, p, r, p + r);
        }
        System.out.printf("%-62s %7s %10s %10s %10.1f%n", "mean per file", "", "", "", sumTotal / texts.size());
        System.out.println("(warm-up " + warmup + " rounds of all files, then " + measured + " runs per file; "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + "; checksum " + sink + ")");
    }

    private static ResolvedCommand once(Path f, String text) throws SpecException {
        ComponentSpec c = ComponentLoader.parse(text, f.toString(), f.getParent());
        return Resolver.resolve(c, arguments(c), TestSupport.PATHS);
    }

    /** A value for every input ("1" for numbers/booleans would be fine too; any string works). */
    private static Map<String, String> arguments(ComponentSpec c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (InputSpec in : c.inputs()) {
            m.put(in.name(), "1");
        }
        return m;
    }
}
