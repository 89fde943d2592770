package dev.relay.runner.argo;

import dev.relay.eventing.input.SafeFiles;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A KFP 1.x compiled pipeline package as {@code kfp.compiler.Compiler().compile()} writes it
 * ({@code kfp/compiler/compiler.py}, {@code _write_workflow}): the Argo {@code Workflow} as YAML,
 * or that YAML as the one {@code .yaml}/{@code .yml} entry of a {@code .tar.gz} or {@code .zip}.
 * The form is told by content (gzip and zip magic numbers), not by the file name.
 *
 * <p>Limits: a package file of at most {@link #MAX_PACKAGE_BYTES}, a YAML entry of at most
 * {@link #MAX_YAML_BYTES} after decompression; an archive with no YAML entry or more than one is
 * refused naming its entries.
 *
 * @param yaml the workflow's YAML text
 * @param name where it came from, for messages: the file, or {@code FILE!ENTRY} inside an archive
 */
public record ArgoPackage(String yaml, String name) {
    /** Largest package file read: 64 MiB. */
    public static final long MAX_PACKAGE_BYTES = 64L << 20;
    /** Largest decompressed workflow YAML: 16 MiB. */
    public static final int MAX_YAML_BYTES = 16 << 20;

    private static final Pattern API_VERSION = Pattern.compile("(?m)^apiVersion:\\s*['\"]?argoproj\\.io/");
    private static final Pattern KIND = Pattern.compile("(?m)^kind:\\s*['\"]?Workflow['\"]?\\s*$");

    /** Checks the fields. */
    public ArgoPackage {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(name, "name");
    }

    /**
     * @return whether {@code bytes} are a gzip or zip archive (whatever they hold)
     */
    public static boolean isArchive(byte[] bytes) {
        return isGzip(bytes) || isZip(bytes);
    }

    /**
     * @return whether {@code text} is an Argo Workflow document: a top-level
     *     {@code apiVersion: argoproj.io/...} and {@code kind: Workflow} (a cheap look at the text;
     *     {@link WorkflowReader} does the real parse)
     */
    public static boolean isWorkflowText(String text) {
        return text != null && API_VERSION.matcher(text).find() && KIND.matcher(text).find();
    }

    /**
     * @return whether the file at {@code file} is a KFP 1.x package: an archive, or YAML text that
     *     {@link #isWorkflowText} recognizes; false for unreadable files (their reader says why)
     */
    public static boolean isPackage(Path file) {
        try {
            if (Files.size(file) > MAX_PACKAGE_BYTES) {
                return false;
            }
            return isPackage(SafeFiles.read(file, (int) MAX_PACKAGE_BYTES));
        } catch (IOException e) {
            return false;
        }
    }

    /** @return whether {@code bytes} are an archive or a workflow's YAML text */
    public static boolean isPackage(byte[] bytes) {
        if (isArchive(bytes)) {
            return true;
        }
        return isWorkflowText(new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Reads a package file.
     *
     * @throws SpecException (one file-level error) when it cannot be read, is too large, is not
     *     UTF-8, or is an archive without exactly one YAML entry (the message names the entries)
     */
    public static ArgoPackage read(Path file) throws SpecException {
        String name = file.toString();
        try {
            long size = Files.size(file);
            if (size > MAX_PACKAGE_BYTES) {
                throw new SpecException(SpecError.ofFile(name, "the package is " + size + " bytes; at most "
                        + MAX_PACKAGE_BYTES + " are read"));
            }
            return read(SafeFiles.read(file, (int) MAX_PACKAGE_BYTES), name);
        } catch (NoSuchFileException e) {
            throw new SpecException(SpecError.ofFile(name, "cannot read the file: it does not exist"));
        } catch (IOException e) {
            throw new SpecException(SpecError.ofFile(name, "cannot read the file: " + e.getMessage()));
        }
    }

    /**
     * Reads a package from its bytes.
     *
     * @param name the file name for messages
     * @throws SpecException as {@link #read(Path)}
     */
    public static ArgoPackage read(byte[] bytes, String name) throws SpecException {
        if (bytes.length > MAX_PACKAGE_BYTES) {
            throw new SpecException(SpecError.ofFile(name, "the package is " + bytes.length + " bytes; at most "
                    + MAX_PACKAGE_BYTES + " are read"));
        }
        if (isGzip(bytes)) {
            return fromTarGz(bytes, name);
        }
        if (isZip(bytes)) {
            return fromZip(bytes, name);
        }
        return new ArgoPackage(utf8(bytes, name), name);
    }

    private static ArgoPackage fromTarGz(byte[] bytes, String name) throws SpecException {
        List<String> entries = new ArrayList<>();
        List<String> yamls = new ArrayList<>();
        byte[] content = null;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                entries.add(e.getName());
                if (isYamlName(e.getName()) && e.isFile()) {
                    yamls.add(e.getName());
                    if (yamls.size() == 1) {
                        content = limited(tar, name + "!" + e.getName());
                    }
                }
            }
        } catch (IOException e) {
            throw new SpecException(SpecError.ofFile(name, "not a readable .tar.gz package: " + e.getMessage()));
        }
        return single(name, "tar.gz", entries, yamls, content);
    }

    private static ArgoPackage fromZip(byte[] bytes, String name) throws SpecException {
        List<String> entries = new ArrayList<>();
        List<String> yamls = new ArrayList<>();
        byte[] content = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                entries.add(e.getName());
                if (isYamlName(e.getName())) {
                    yamls.add(e.getName());
                    if (yamls.size() == 1) {
                        content = limited(zip, name + "!" + e.getName());
                    }
                }
            }
        } catch (IOException e) {
            throw new SpecException(SpecError.ofFile(name, "not a readable .zip package: " + e.getMessage()));
        }
        return single(name, "zip", entries, yamls, content);
    }

    private static ArgoPackage single(String name, String form, List<String> entries, List<String> yamls, byte[] content)
            throws SpecException {
        if (yamls.size() != 1) {
            String listed = entries.isEmpty() ? "no entries" : "entries: " + String.join(", ", entries);
            throw new SpecException(SpecError.ofFile(name, "a ." + form + " pipeline package must hold exactly one"
                    + " .yaml/.yml file (the compiled workflow); it holds " + yamls.size() + " (" + listed + ")"));
        }
        String entry = name + "!" + yamls.get(0);
        return new ArgoPackage(utf8(content, entry), entry);
    }

    private static byte[] limited(InputStream in, String what) throws IOException, SpecException {
        byte[] b = in.readNBytes(MAX_YAML_BYTES + 1);
        if (b.length > MAX_YAML_BYTES) {
            throw new SpecException(SpecError.ofFile(what, "the workflow YAML is over " + MAX_YAML_BYTES
                    + " bytes uncompressed; refused"));
        }
        return b;
    }

    private static boolean isYamlName(String n) {
        String l = n.toLowerCase(java.util.Locale.ROOT);
        String base = l.substring(l.lastIndexOf('/') + 1);
        return !base.startsWith("._") && (l.endsWith(".yaml") || l.endsWith(".yml"));
    }

    private static String utf8(byte[] bytes, String name) throws SpecException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SpecException(SpecError.ofFile(name, "the workflow is not valid UTF-8 text"));
        }
    }

    private static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    private static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5) && (b[3] == 4 || b[3] == 6);
    }
}
