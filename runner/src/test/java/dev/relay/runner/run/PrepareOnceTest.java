package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.spec.ComponentLoader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run reads its pipeline file once: what is validated is what is inlined and run. The file is a
 * named pipe whose writer gives the pipeline on the first read and a broken document on any
 * later one, so a second read shows as an error (it used to be read three times: the package
 * check, the validation and the inlining).
 */
class PrepareOnceTest {
    @TempDir Path dir;

    @Test
    void thePipelineFileIsReadOnce() throws Exception {
        Path seed = Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/random-sum");
        for (String c : List.of("generate", "sum", "print")) {
            Files.copy(seed.resolve(c + ".component.yaml"), dir.resolve(c + ".component.yaml"));
        }
        byte[] pipeline = Files.readAllBytes(seed.resolve("pipeline.yaml"));
        Path fifo = dir.resolve("pipeline.yaml");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "no /proc/self/fd here");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available here");
        Thread writer = new Thread(() -> {
            try {
                for (int n = 0; ; n++) {
                    try (OutputStream out = Files.newOutputStream(fifo)) { // blocks until a reader opens it
                        out.write(n == 0 ? pipeline : "name: [broken\n".getBytes(StandardCharsets.UTF_8));
                    }
                    while (openHere(fifo)) { // the next document only for the next open, not this reader's
                        Thread.sleep(1);
                    }
                }
            } catch (Exception e) {
                // the test is over
            }
        }, "fifo-writer");
        writer.setDaemon(true);
        writer.start();

        RunService.Prepared p = RunService.prepare(fifo);
        assertEquals(List.of("gen", "sum", "print"), p.plan().taskNames());
        assertTrue(p.spec().toString().contains("\"spec\""), "components are inlined: " + p.spec());
        assertEquals(p.spec(), RunService.prepare(seed.resolve("pipeline.yaml")).spec(), "the same pipeline as from the file");
        writer.interrupt();
    }

    /** Whether this process still has {@code file} open (Linux: {@code /proc/self/fd}). */
    static boolean openHere(Path file) throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (java.io.IOException | UnsupportedOperationException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void validationAndInliningAgreeOnFileUrls() throws Exception {
        // componentRef: {url: "file:generate.component.yaml"} resolves one way for validate and run
        Path seed = Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/random-sum");
        for (String c : List.of("generate", "sum", "print")) {
            Files.copy(seed.resolve(c + ".component.yaml"), dir.resolve(c + ".component.yaml"));
        }
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, Files.readString(seed.resolve("pipeline.yaml")).replace("url: ", "url: file:"));
        assertEquals(ComponentLoader.resolve(file, Files.readAllBytes(file)).inlined(), RunService.prepare(file).spec());
    }
}
