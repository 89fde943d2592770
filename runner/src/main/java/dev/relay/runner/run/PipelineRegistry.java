package dev.relay.runner.run;

import dev.relay.runner.contract.Times;
import dev.relay.runner.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.argo.ArgoPipeline;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.PipelineInliner;
import dev.relay.runner.spec.Names;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.store.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Registered pipelines in the Relay bucket: {@code pipelines/<name>/<version>/pipeline.yaml}, or
 * for a KFP 1.x package uploaded as an archive the package itself, {@code pipeline.tar.gz} or
 * {@code pipeline.zip} (docs/contracts.md "Object layout"), each beside a {@code meta.json}
 * ({@code {"name","version","sha256","createdAt",...,"file"}}) written after it, which dates the
 * version so that {@code latest} can name the newest and names the stored file. Versions are immutable: the same content registered
 * again is a no-op, other content under an existing version a conflict. A stored pipeline is
 * self-contained (no {@code componentRef.url}), so a run needs nothing but the bucket.
 */
public final class PipelineRegistry {
    /** The version name that means "the newest registered". */
    public static final String LATEST = "latest";
    /** Prefix of every registered pipeline. */
    public static final String PREFIX = "pipelines/";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final ArtifactStore store;
    private final Clock clock;

    /** @param clock dates registrations ({@code createdAt}) */
    public PipelineRegistry(ArtifactStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * One registered version.
     *
     * @param key       the object key of its {@code pipeline.yaml}
     * @param created   false when this exact content was registered before under this version
     * @param createdAt when the version was first registered
     */
    public record Registered(String name, String version, String key, String sha256, String createdAt, boolean created) {}

    /**
     * {@code meta.json} beside a registered {@code pipeline.yaml}. The last four fields were added
     * for KFP's API and are null in {@code meta.json} files written before; read them through
     * {@link #id()}, {@link #shownName()}.
     *
     * @param versionId   KFP's {@code pipeline_version_id}: a UUID derived from name and version
     * @param displayName KFP's version {@code display_name}, or null (the version)
     * @param description KFP's version description, or null
     * @param file        the stored file's name beside {@code meta.json} (null: {@code pipeline.yaml})
     */
    public record Meta(String name, String version, String sha256, String createdAt, String versionId,
                       String displayName, String description, String file) {
        /** The four fields of {@code meta.json} as first written. */
        public Meta(String name, String version, String sha256, String createdAt) {
            this(name, version, sha256, createdAt, versionIdOf(name, version), null, null, FILE);
        }

        /** @return the version's UUID (written, or derived for an older {@code meta.json}) */
        public String id() {
            return versionId != null ? versionId : versionIdOf(name, version);
        }

        /** @return the display name, or the version */
        public String shownName() {
            return displayName != null && !displayName.isEmpty() ? displayName : version;
        }

        /** @return the object key of the stored file ({@code pipeline.yaml} for a {@code meta.json} without {@code file}) */
        public String key() {
            return PipelineRegistry.key(name, version, file);
        }
    }

    /**
     * {@code pipelines/<name>/pipeline.json}: a pipeline's own metadata for KFP's API, written on
     * its first registration (absent for pipelines registered before: {@link #pipeline} derives it).
     *
     * @param pipelineId KFP's {@code pipeline_id}: a UUID derived from the name
     * @param createdAt  the first registration
     */
    public record PipelineInfo(String pipelineId, String name, String displayName, String description, String createdAt) {}

    /** The stored pipeline file's name beside {@code meta.json}: YAML (a component, graph, IR or Argo workflow). */
    public static final String FILE = "pipeline.yaml";
    /** The stored file of a KFP 1.x package uploaded as a {@code .tar.gz}. */
    public static final String TAR_GZ_FILE = "pipeline.tar.gz";
    /** The stored file of a KFP 1.x package uploaded as a {@code .zip}. */
    public static final String ZIP_FILE = "pipeline.zip";
    private static final List<String> FILES = List.of(FILE, TAR_GZ_FILE, ZIP_FILE);

    /**
     * A registered version with its content.
     *
     * @param key  the stored file's key ({@code pipeline.yaml}, {@code pipeline.tar.gz}, {@code pipeline.zip})
     * @param yaml the pipeline's YAML: the file, or the workflow a package holds
     */
    public record Entry(String name, String version, String key, String yaml) {}

    /** Other content is already registered under that name and version (versions are immutable). */
    public static final class ConflictException extends Exception {
        /** @param message names the pipeline and version */
        public ConflictException(String message) {
            super(message);
        }
    }

    /**
     * Validates and registers a self-contained pipeline (or lone component).
     *
     * @param name    null: the pipeline's own {@code name} as a DNS-1123 label
     * @param version null: the first 12 hex digits of the sha256 of {@code yamlText}
     * @throws SpecException            when the pipeline is invalid (positions in {@code pipeline.yaml})
     * @throws IllegalArgumentException naming the field when {@code name} or {@code version} is not
     *                                  a safe name ({@code [A-Za-z0-9][A-Za-z0-9._-]*}, at most 128) or
     *                                  the version is {@code latest}
     * @throws ConflictException        when the version exists with other content
     */
    public Registered register(String name, String version, String yamlText)
            throws SpecException, ConflictException {
        return register(name, version, yamlText, null, null);
    }

    /**
     * Like {@link #register(String, String, String)}, with KFP's display name and description of
     * the version (kept in {@code meta.json}); the pipeline's {@code pipeline.json} is written on
     * its first registration.
     */
    public Registered register(String name, String version, String yamlText, String displayName, String description)
            throws SpecException, ConflictException {
        return store(name, version, yamlText, yamlText.getBytes(StandardCharsets.UTF_8), FILE, displayName, description);
    }

    /**
     * Registers an uploaded file in its own form: a KFP 1.x package that is a {@code .tar.gz} or
     * {@code .zip} archive is stored as it is ({@code pipeline.tar.gz}, {@code pipeline.zip}; its
     * workflow is validated, and read out of it by {@link #find}); anything else is YAML text and
     * registered as {@link #register(String, String, String, String, String)} does. The default
     * version is the sha256 prefix of the bytes stored.
     *
     * @param fileName the upload's file name, for messages only (the form is told by content), or null
     * @throws SpecException when the package or pipeline is invalid (an archive's errors name {@code FILE!ENTRY})
     */
    public Registered registerBytes(String name, String version, byte[] content, String fileName, String displayName,
                                    String description) throws SpecException, ConflictException {
        if (!ArgoPackage.isArchive(content)) {
            return register(name, version, new String(content, StandardCharsets.UTF_8), displayName, description);
        }
        ArgoPackage pkg = ArgoPackage.read(content, fileName == null || fileName.isBlank() ? "uploadfile" : fileName);
        return store(name, version, pkg.yaml(), content, archiveFile(content), displayName, description);
    }

    /** @return the stored file name of an archive's bytes (gzip: {@code pipeline.tar.gz}, else {@code pipeline.zip}) */
    private static String archiveFile(byte[] content) {
        return content.length > 1 && (content[0] & 0xff) == 0x1f && (content[1] & 0xff) == 0x8b ? TAR_GZ_FILE : ZIP_FILE;
    }

    private Registered store(String name, String version, String yamlText, byte[] content, String file, String displayName,
                             String description) throws SpecException, ConflictException {
        // a KFP 1.x package is checked as for any launcher: a run of it on the embedded default refuses host-only needs
        RunService.Prepared prepared = RunService.prepare(yamlText, file, true);
        String sha = sha256(content);
        String n = name != null ? checkName(name, "name") : Names.dnsLabel(prepared.plan().name());
        String v = version != null ? checkName(version, "version") : sha.substring(0, 12);
        if (LATEST.equals(v)) {
            throw new IllegalArgumentException("version 'latest' is reserved: it names the newest version");
        }
        String key = key(n, v, file);
        String metaKey = metaKey(n, v);
        for (String other : FILES) {
            // a version is one file: the same version in another form is other content
            if (!other.equals(file) && store.stat(key(n, v, other)).isPresent()) {
                throw new ConflictException("pipeline '" + n + "' version '" + v + "' is already registered as " + other
                        + "; versions are immutable");
            }
        }
        Optional<byte[]> existing = store.get(key);
        if (existing.isPresent()) {
            if (!Arrays.equals(existing.get(), content)) {
                throw new ConflictException("pipeline '" + n + "' version '" + v + "' is already registered with other"
                        + " content (sha256 " + sha256(existing.get()).substring(0, 12) + "); versions are immutable");
            }
            Optional<Meta> meta = meta(metaKey);
            if (meta.isPresent()) {
                return new Registered(n, v, key, sha, meta.get().createdAt(), false);
            }
        } else {
            store.put(key, content);
        }
        Meta meta = new Meta(n, v, sha, Times.format(clock.instant()), versionIdOf(n, v), displayName, description, file);
        if (store.stat(infoKey(n)).isEmpty()) {
            store.put(infoKey(n), Json.bytes(new PipelineInfo(pipelineIdOf(n), n, n, null, meta.createdAt())));
        }
        store.put(metaKey, Json.bytes(meta));
        return new Registered(n, v, key, sha, meta.createdAt(), existing.isEmpty());
    }

    /**
     * Registers a local pipeline file (the CLI): a file whose {@code componentRef.url}s point at
     * local files is validated as a file and stored inlined (as YAML), so that the stored
     * pipeline is self-contained; a KFP 1.x package that is a .tar.gz or .zip is stored as it is
     * ({@link #registerBytes}); otherwise (Argo Workflow YAML too) the file's bytes are stored as they are.
     * A package is checked as for any launcher ({@link ArgoPipeline#loadForAnyLauncher}: sidecars and
     * volumes are accepted for Kubernetes Jobs).
     *
     * @throws SpecException with {@code FILE:LINE:COL} errors when the file is invalid
     * @throws UncheckedIOException when it cannot be read
     */
    public Registered registerFile(Path file, String name, String version) throws SpecException, ConflictException {
        byte[] bytes = ComponentLoader.read(file);
        if (ArgoPackage.isPackage(bytes)) {
            // a KFP 1.x package is stored in its own form: the archive, or the workflow's YAML
            ArgoPackage pkg = ArgoPackage.read(bytes, file.toString());
            // stored for whichever launcher runs it: what only a host cannot do (sidecars, volumes) is
            // refused when a run of it starts on the embedded default, not here
            ArgoPipeline.loadForAnyLauncher(pkg);
            return ArgoPackage.isArchive(bytes) ? registerBytes(name, version, bytes, file.toString(), null, null)
                    : register(name, version, pkg.yaml());
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> urls;
        try {
            urls = PipelineInliner.componentUrls(text, file.toString());
        } catch (RuntimeException e) {
            ComponentLoader.resolve(file, bytes);
            throw e;
        }
        if (!urls.isEmpty()) {
            text = toYaml(ComponentLoader.resolve(file, bytes).inlined());
        }
        return register(name, version, text);
    }

    /**
     * Finds a registered version.
     *
     * @param version a version, or {@code latest} for the newest registered
     * @return empty when there is no such pipeline or version
     * @throws IllegalArgumentException naming the field when a name is not safe
     */
    public Optional<Entry> find(String name, String version) {
        String n = checkName(name, "pipeline.name");
        String v = version == null || version.isEmpty() ? LATEST : checkName(version, "pipeline.version");
        if (LATEST.equals(v)) {
            Optional<Meta> newest = versions(n).stream().reduce((a, b) -> b);
            if (newest.isEmpty()) {
                return Optional.empty();
            }
            v = newest.get().version();
        }
        // meta.json names the stored file; a version without one (written before, or mid-registration) is pipeline.yaml
        String file = meta(metaKey(n, v)).map(Meta::file).orElse(FILE);
        String key = key(n, v, file);
        String version2 = v;
        Optional<byte[]> bytes = store.get(key);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        if (FILE.equals(file)) {
            return Optional.of(new Entry(n, version2, key, new String(bytes.get(), StandardCharsets.UTF_8)));
        }
        try {
            return Optional.of(new Entry(n, version2, key, ArgoPackage.read(bytes.get(), key).yaml()));
        } catch (SpecException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }

    /** @return the registered versions of {@code name}, oldest first (by {@code createdAt}, then version) */
    public List<Meta> versions(String name) {
        String n = checkName(name, "name");
        List<Meta> out = new ArrayList<>();
        for (String key : store.list(PREFIX + n + "/", true)) {
            if (key.endsWith("/meta.json")) {
                meta(key).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(Meta::createdAt).thenComparing(Meta::version));
        return out;
    }

    /** @return KFP's {@code pipeline_id} of pipeline {@code name}: a name-based UUID, stable across servers */
    public static String pipelineIdOf(String name) {
        return java.util.UUID.nameUUIDFromBytes(("relay:pipeline:" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** @return KFP's {@code pipeline_version_id}: a name-based UUID of name and version */
    public static String versionIdOf(String name, String version) {
        return java.util.UUID.nameUUIDFromBytes(("relay:pipeline-version:" + name + "/" + version)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** @return every registered pipeline (one with at least one version or a {@code pipeline.json}), by name */
    public List<PipelineInfo> pipelines() {
        List<PipelineInfo> out = new ArrayList<>();
        for (String p : store.list(PREFIX, false)) {
            if (p.endsWith("/")) {
                String n = p.substring(PREFIX.length(), p.length() - 1);
                if (NAME.matcher(n).matches()) {
                    pipeline(n).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /**
     * A pipeline's metadata: its {@code pipeline.json}, or for one registered before that file
     * existed, derived (display name = name, created = its oldest version).
     *
     * @return empty when no such pipeline is registered
     */
    public Optional<PipelineInfo> pipeline(String name) {
        String n = checkName(name, "name");
        Optional<PipelineInfo> info = store.get(infoKey(n)).map(b -> Json.read(b, PipelineInfo.class, infoKey(n)));
        if (info.isPresent()) {
            return info;
        }
        List<Meta> versions = versions(n);
        return versions.isEmpty() ? Optional.empty()
                : Optional.of(new PipelineInfo(pipelineIdOf(n), n, n, null, versions.get(0).createdAt()));
    }

    /** @return the pipeline whose {@code pipeline_id} is {@code id}, or empty */
    public Optional<PipelineInfo> pipelineById(String id) {
        return pipelines().stream().filter(p -> p.pipelineId().equals(id)).findFirst();
    }

    /** @return the version of {@code name} whose {@code pipeline_version_id} is {@code versionId}, or empty */
    public Optional<Meta> versionById(String name, String versionId) {
        return versions(name).stream().filter(m -> m.id().equals(versionId)).findFirst();
    }

    /**
     * Sets a pipeline's display name and description (KFP's upload); the pipeline need not have a
     * version yet.
     */
    public PipelineInfo describe(String name, String displayName, String description) {
        String n = checkName(name, "name");
        PipelineInfo old = pipeline(n).orElse(null);
        PipelineInfo info = new PipelineInfo(pipelineIdOf(n), n,
                displayName != null && !displayName.isEmpty() ? displayName : old != null ? old.displayName() : n,
                description != null ? description : old != null ? old.description() : null,
                old != null ? old.createdAt() : Times.format(clock.instant()));
        store.put(infoKey(n), Json.bytes(info));
        return info;
    }

    /** Removes a pipeline: every version and its metadata. Runs keep their inlined copy. */
    public void delete(String name) {
        for (String k : store.list(PREFIX + checkName(name, "name") + "/", true)) {
            store.delete(k);
        }
    }

    /** Removes one version (its file and {@code meta.json}). */
    public void deleteVersion(String name, String version) {
        for (String k : store.list(PREFIX + checkName(name, "name") + "/" + checkName(version, "version") + "/", true)) {
            store.delete(k);
        }
    }

    private static String infoKey(String name) {
        return PREFIX + name + "/pipeline.json";
    }

    /** {@code pipelines/<name>/<version>/pipeline.yaml} */
    public static String key(String name, String version) {
        return key(name, version, FILE);
    }

    /**
     * {@code pipelines/<name>/<version>/<file>}
     *
     * @param file {@link #FILE}, {@link #TAR_GZ_FILE} or {@link #ZIP_FILE}; null: {@link #FILE}
     * @throws IllegalArgumentException for another file name
     */
    public static String key(String name, String version, String file) {
        String f = file == null ? FILE : file;
        if (!FILES.contains(f)) {
            throw new IllegalArgumentException("file '" + f + "' is not one of " + FILES);
        }
        return PREFIX + checkName(name, "name") + "/" + checkName(version, "version") + "/" + f;
    }

    private static String metaKey(String name, String version) {
        return PREFIX + name + "/" + version + "/meta.json";
    }

    private Optional<Meta> meta(String key) {
        return store.get(key).map(b -> Json.read(b, Meta.class, key));
    }

    /**
     * @return {@code s} when it is a safe pipeline name or version
     * @throws IllegalArgumentException naming {@code field} otherwise
     */
    public static String checkName(String s, String field) {
        if (s == null || !NAME.matcher(s).matches() || s.contains("..")) {
            throw new IllegalArgumentException(field + " '" + (s == null ? "" : s.replaceAll("\\p{Cntrl}", "?"))
                    + "' is not a valid name: use letters, digits, '.', '_' and '-' (at most 128, starting with a"
                    + " letter or digit)");
        }
        return s;
    }

    /** @return the first 12 hex digits of the sha256 of {@code content}: the default version */
    public static String defaultVersion(byte[] content) {
        return sha256(content).substring(0, 12);
    }

    @SuppressWarnings("unchecked")
    private static String toYaml(JsonNode tree) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setWidth(4096);
        return new Yaml(o).dump(Json.MAPPER.convertValue(tree, Map.class));
    }

    private static String sha256(byte[] data) {
        return dev.relay.eventing.Sha256.hex(data);
    }
}
