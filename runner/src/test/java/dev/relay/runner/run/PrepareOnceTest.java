package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.SpecException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run reads its pipeline file once, and only a regular file: what is validated is what is
 * inlined and run. The file was read three times (the package check, the validation and the
 * inlining); now {@link RunService#prepare} reads it once through {@link ComponentLoader#read} and
 * works on those bytes. A named pipe (which showed the single read before Relay read regular files
 * only, issue 13) is refused by name before anything reads it: the writer never hands out a document.
 */
class PrepareOnceTest {
    @TempDir Path dir;

    @Test
    void aNamedPipeIsRefusedBeforeItIsRead() throws Exception {
        Path fifo = dir.resolve("pipeline.yaml");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available here");
        java.util.concurrent.atomic.AtomicInteger handedOut = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) { // blocks until a reader opens it
                handedOut.incrementAndGet();
                out.write("name: [broken\n".getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                // the test is over
            }
        }, "fifo-writer");
        writer.setDaemon(true);
        writer.start();
        SpecException e = assertThrows(SpecException.class, () -> RunService.prepare(fifo));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertTrue(e.getMessage().startsWith(fifo + ":1:1: "), e.getMessage());
        assertEquals(0, handedOut.get(), "the pipe was opened");
        // unblock the writer
        try (var in = Files.newInputStream(fifo)) {
            in.readAllBytes();
        }
        writer.join(5000);
    }

    @Test
    void thePreparedRunIsTheFilesPipelineWithItsComponentsInlined() throws Exception {
        Path seed = Path.of(System.getProperty("relay.repo.dir", "..")).resolve("examples/random-sum");
        RunService.Prepared p = RunService.prepare(seed.resolve("pipeline.yaml"));
        assertEquals(List.of("gen", "sum", "print"), p.plan().taskNames());
        assertTrue(p.spec().toString().contains("\"spec\""), "components are inlined: " + p.spec());
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
