package dev.relay.runner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.executor.KfpSdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonPipelineTest {
    @TempDir
    Path tmp;

    static final String SOURCE = """
            from kfp import dsl

            @dsl.component(base_image='python:3.11')
            def add(a: int, b: int) -> int:
                return a + b

            @dsl.pipeline(name='adder')
            def inner(x: int = 1) -> int:
                return add(a=x, b=2).output

            @dsl.pipeline(name='outer-adder')
            def outer(y: int = 3):
                inner(x=y)

            if __name__ == '__main__':
                raise SystemExit('the __main__ block must not run')
            """;

    Map<String, String> env(Path python) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("RELAY_PYTHON", python.toString());
        return env;
    }

    @Test
    void compilesTheOutermostPipelineWithTheUsersSdk() throws Exception {
        Path venv = KfpSdk.venv();
        Path src = tmp.resolve("pipeline.py");
        Files.writeString(src, SOURCE);
        PythonPipeline.Result r = PythonPipeline.compile(src, tmp.resolve("out/pipeline.yaml"), null, env(venv.resolve("bin/python")));
        assertEquals("outer", r.pipeline());
        Pipeline p = IrReader.read(Files.readString(r.output()), "pipeline.yaml");
        assertEquals("outer-adder", p.model().name());
        PythonPipeline.Result named = PythonPipeline.compile(src, tmp.resolve("inner.yaml"), "adder", env(venv.resolve("bin/python")));
        assertEquals("adder", IrReader.read(Files.readString(named.output()), "inner.yaml").model().name());

        Path bad = tmp.resolve("bad.py");
        Files.writeString(bad, "from kfp import dsl\n\nx = 1 / 0\n");
        PythonPipeline.CompileException e = assertThrows(PythonPipeline.CompileException.class,
                () -> PythonPipeline.compile(bad, tmp.resolve("bad.yaml"), null, env(venv.resolve("bin/python"))));
        assertTrue(e.getMessage().contains("ZeroDivisionError: division by zero (line 3)"), e.getMessage());
        List<PythonPipeline.Result> both = PythonPipeline.compileAll(List.of(new PythonPipeline.Job(bad, tmp.resolve("b.yaml"), null),
                new PythonPipeline.Job(src, tmp.resolve("s.yaml"), null)), env(venv.resolve("bin/python")));
        assertEquals(List.of(false, true), both.stream().map(PythonPipeline.Result::ok).toList());
    }

    @Test
    void withoutKfpSaysHowToInstallIt() throws Exception {
        Path src = tmp.resolve("pipeline.py");
        Files.writeString(src, SOURCE);
        // an interpreter that cannot import kfp: the host's python3 with an empty module path
        Path fake = tmp.resolve("python-without-kfp");
        Files.writeString(fake, "#!/bin/sh\nexec python3 -I -S \"$@\"\n");
        fake.toFile().setExecutable(true);
        PythonPipeline.CompileException e = assertThrows(PythonPipeline.CompileException.class,
                () -> PythonPipeline.compile(src, tmp.resolve("p.yaml"), null, env(fake)));
        assertTrue(e.getMessage().contains("No module named 'kfp'"), e.getMessage());
        assertTrue(e.getMessage().contains("-m pip install kfp"), e.getMessage());
        assertTrue(e.getMessage().contains("kfp dsl compile --py"), e.getMessage());
        PythonPipeline.CompileException none = assertThrows(PythonPipeline.CompileException.class,
                () -> PythonPipeline.compile(src, tmp.resolve("p.yaml"), null, env(tmp.resolve("no-such-python"))));
        assertTrue(none.getMessage().contains("cannot start"), none.getMessage());
    }
}
