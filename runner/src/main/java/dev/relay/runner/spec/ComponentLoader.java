package dev.relay.runner.spec;

import dev.relay.eventing.input.InputLimits;
import dev.relay.eventing.input.SafeFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads KFP v1 component files ({@code component.yaml}) and graph components (pipelines) into
 * {@link ComponentSpec}s, the way KFP v1's SDK does ({@code kfp/components/_components.py},
 * {@code _structures.py}, {@code _yaml_utils.py}):
 * <ul>
 * <li>YAML as PyYAML's {@code SafeLoader} reads it (YAML 1.1: {@code yes/no/on/off} are booleans,
 *     folded flow scalars, comments, the last of duplicate keys wins);</li>
 * <li>unknown keys are errors (KFP builds its classes with {@code cls(**struct)});</li>
 * <li>input and output names are unique (separately: an input and an output may share a name);
 *     placeholders and {@code fileOutputs} name declared inputs/outputs only;</li>
 * <li>a graph's {@code componentRef}s are loaded ({@code url} relative to the referencing file's
 *     folder or a {@code file:} URL, {@code digest} = sha256 hex of the file's bytes; or the inline
 *     {@code spec}), the arguments are checked against the referenced components, and the task
 *     graph must be a DAG whose task ids stay distinct as DNS-1123 labels.</li>
 * </ul>
 * Every error that can be found is collected (with {@code FILE:LINE:COL}) before throwing.
 */
public final class ComponentLoader {
    private ComponentLoader() {
    }

    /**
     * Loads and validates {@code file}, resolving {@code componentRef}s relative to its folder.
     *
     * @param file a component or pipeline YAML file; its name as given is used in messages
     * @return the validated component
     * @throws SpecException with every error found; a file that cannot be read gives one
     *                       file-level error (position 1:1)
     */
    public static ComponentSpec load(Path file) throws SpecException {
        return resolve(file, read(file)).component();
    }

    /**
     * A validated file and the self-contained pipeline it stands for.
     *
     * @param component the file's component or pipeline, as written (componentRefs resolved)
     * @param inlined   the pipeline {@code run.json} carries ({@link PipelineInliner}): every
     *                  {@code componentRef.url} replaced by its file's content, a lone component
     *                  wrapped as a one-task pipeline; a JSON tree
     */
    public record Resolved(ComponentSpec component, JsonNode inlined) {}

    /**
     * The one component resolution of Relay: validates {@code file} (given as the bytes read from
     * it), reading each referenced component file once, and inlines it from the same bytes, so
     * that what runs is exactly what was validated. {@code relay validate}, {@code relay run} and
     * {@code relay pipeline upload} all go through here.
     *
     * @param file  the file's path: its name is used in messages, its folder anchors relative urls
     * @param bytes the file's content
     * @throws SpecException with every error found
     */
    public static Resolved resolve(Path file, byte[] bytes) throws SpecException {
        Objects.requireNonNull(file, "file");
        Path parent = file.getParent() == null ? Path.of("") : file.getParent();
        SpecParser.Context ctx = new SpecParser.Context();
        ctx.enter(file);
        ctx.source(file, bytes);
        ComponentSpec spec = finish(ctx.errors(), new SpecParser(ctx, file.toString(), parent).parseBytes(bytes));
        return new Resolved(spec, PipelineInliner.inline(file, ctx::source));
    }

    /**
     * Reads a file for {@link #resolve}.
     *
     * @throws SpecException (one file-level error) when it cannot be read
     */
    public static byte[] read(Path file) throws SpecException {
        try {
            // regular files only; an archive (KFP 1.x package) may be larger than one document, its entries are limited again
            return SafeFiles.read(file, 4 * InputLimits.MAX_BYTES);
        } catch (NoSuchFileException e) {
            throw new SpecException(SpecError.ofFile(file.toString(), "cannot read the file: it does not exist"));
        } catch (IOException e) {
            throw new SpecException(SpecError.ofFile(file.toString(), "cannot read the file: " + e.getMessage()));
        }
    }

    /**
     * Parses and validates YAML text.
     *
     * @param yamlText the YAML
     * @param fileName the name to use in messages and {@link ComponentSpec#sourceFile()}
     * @param baseDir  the folder relative {@code componentRef.url}s are resolved against; null
     *                 means the current directory
     * @return the validated component
     * @throws SpecException with every error found
     */
    public static ComponentSpec parse(String yamlText, String fileName, Path baseDir) throws SpecException {
        Objects.requireNonNull(yamlText, "yamlText");
        Objects.requireNonNull(fileName, "fileName");
        SpecParser.Context ctx = new SpecParser.Context();
        ComponentSpec spec = new SpecParser(ctx, fileName, baseDir == null ? Path.of("") : baseDir).parseText(yamlText);
        return finish(ctx.errors(), spec);
    }

    /**
     * Resolves a {@code componentRef.url} the one way Relay does: a path relative to the
     * referencing file's folder, an absolute path, or a {@code file:} URL ({@code file:x.yaml}
     * relative like a path, {@code file:///abs/x.yaml} absolute). Other schemes are refused.
     *
     * @param baseDir the referencing file's folder
     * @return the file to read, normalized
     * @throws IllegalArgumentException whose message, after the url, says why (it starts with
     *     {@code ": "} or {@code " is "})
     */
    public static Path resolveUrl(String url, Path baseDir) {
        try {
            if (url.regionMatches(true, 0, "file:", 0, 5)) {
                URI u = new URI(url);
                if (u.isOpaque()) { // file:relative/path.yaml
                    return baseDir.resolve(u.getSchemeSpecificPart()).normalize();
                }
                return Path.of(u);
            }
            if (url.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
                throw new IllegalArgumentException(": only paths relative to this file and file: URLs are supported;"
                        + " download the component and reference the local copy");
            }
            return baseDir.resolve(url).normalize();
        } catch (URISyntaxException | java.nio.file.InvalidPathException | java.nio.file.FileSystemNotFoundException e) {
            throw new IllegalArgumentException(" is not a valid path or file: URL: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && (e.getMessage().startsWith(": ") || e.getMessage().startsWith(" is "))) {
                throw e;
            }
            throw new IllegalArgumentException(" is not a valid path or file: URL: " + e.getMessage(), e);
        }
    }

    private static ComponentSpec finish(List<SpecError> errors, ComponentSpec spec) throws SpecException {
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        if (spec == null) {
            throw new IllegalStateException("no spec and no error");
        }
        return spec;
    }
}
