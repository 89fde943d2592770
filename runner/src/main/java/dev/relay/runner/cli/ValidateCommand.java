package dev.relay.runner.cli;

import dev.relay.runner.pipeline.IrReader;
import dev.relay.runner.run.RunService;

import dev.relay.runner.argo.ArgoPipeline;
import dev.relay.runner.pipeline.PythonPipeline;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code relay validate FILE}: parses and validates a KFP v1 component or pipeline (graph
 * component) with {@link ComponentLoader#load}, or a KFP 1.x compiled package (Argo Workflow
 * YAML, .tar.gz, .zip) into the pipeline model ({@link ArgoPipeline#load}): a package a local host cannot run is
 * invalid here, one line per reason.
 * <ul>
 * <li>valid: exit 0, one line on stdout:
 *     {@code FILE: valid component 'NAME' (inputs: 2, outputs: 1, tasks: 0)};</li>
 * <li>invalid: exit 1, one {@code FILE:LINE:COL: message} line per error on stderr;</li>
 * <li>FILE missing, not a regular file or unreadable, or a usage error: exit 2.</li>
 * </ul>
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Validate a KFP v1 component or pipeline (graph component) file, or a KFP v2 pipeline spec (IR).")
public final class ValidateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "component.yaml or pipeline YAML to check")
    Path file;

    /** Runs the validation; see the class comment for exit codes and output. */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            err.println(SpecError.ofFile(file.toString(), Files.exists(file)
                    ? "cannot read the file (not a regular readable file)" : "cannot read the file: it does not exist"));
            err.flush();
            return 2;
        }
        Path source = file;
        if (PythonPipeline.isPython(file)) {
            try {
                Path dir = Files.createTempDirectory("relay-validate");
                file = PythonPipeline.compile(source, dir.resolve("pipeline.yaml"), null, System.getenv()).output();
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (PythonPipeline.CompileException | java.io.IOException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        try {
            byte[] bytes = ComponentLoader.read(file);
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (IrReader.looksLikeIr(text)) {
                RunService.Prepared ir = RunService.prepareIr(text, file.toString(), file);
                out.println(source + ": valid KFP v2 pipeline '" + ir.plan().name() + "' (inputs: "
                        + ir.plan().inputNames().size() + ", tasks: " + ir.plan().taskNames().size() + ")");
                out.flush();
                return 0;
            }
            if (dev.relay.runner.argo.ArgoPackage.isPackage(bytes)) {
                RunService.Prepared argo = RunService.prepareArgo(dev.relay.runner.argo.ArgoPackage.read(bytes, file.toString()), file);
                out.println(file + ": valid KFP 1.x package, pipeline '" + argo.plan().name() + "' (inputs: "
                        + argo.plan().inputNames().size() + ", outputs: 0, tasks: " + argo.plan().taskNames().size() + ")");
                out.flush();
                return 0;
            }
            ComponentSpec c = ComponentLoader.resolve(file, bytes).component();
            RunService.checkConstants(c, file.toString());
            int tasks = c.isPipeline() ? c.graph().tasks().size() : 0;
            out.println(file + ": valid " + (c.isPipeline() ? "pipeline" : "component") + " '"
                    + (c.name() == null ? "(unnamed)" : c.name()) + "' (inputs: " + c.inputs().size()
                    + ", outputs: " + c.outputs().size() + ", tasks: " + tasks + ")");
            out.flush();
            return 0;
        } catch (SpecException e) {
            for (SpecError error : e.errors()) {
                err.println(error);
            }
            err.flush();
            return 1;
        }
    }
}
