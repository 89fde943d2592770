package dev.relay.runner.store;

import dev.relay.eventing.s3.MinioRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The embedded bucket without an S3 endpoint: reads and writes the data directory that
 * {@link EmbeddedS3Server} serves, in the on-disk format of S3Proxy's jclouds {@code filesystem}
 * backend, and emits for each write the MinIO notification record S3Proxy would have emitted
 * ({@link NotifyingBlobStore}), synchronously after the write. {@code relay run} needs no HTTP
 * round trip per object; a {@code relay server} (S3Proxy) reopening the same directory sees the
 * same objects, eTags, content types and listings, and so the same dedupe keys.
 *
 * <p>The format (jclouds 2.7 {@code FilesystemStorageStrategyImpl}, checked by
 * {@code FilesystemArtifactStoreTest} against S3Proxy on one directory):
 * <ul>
 *   <li>bucket {@code b} is the directory {@code <dataDir>/b}, object {@code k} the regular file
 *       {@code <dataDir>/b/k}; parent directories are created as needed;</li>
 *   <li>extended attributes: {@code user.content-md5} (the 16 MD5 bytes of a single-part object,
 *       or for a multipart one its eTag in ASCII with quotes: {@code "<hex>-<parts>"}),
 *       {@code user.content-type}, {@code user.storage-tier} = {@code STANDARD};</li>
 *   <li>a write loses others' read permission (jclouds' private blob access) and is renamed over
 *       the object; jclouds writes it as {@code <key>-<uuid>} beside the object, this class in the
 *       staging directory {@code <dataDir>/.relay-tmp/} ({@link TempFiles}), where no listing of a
 *       bucket sees it (beside the object, as jclouds, only when that directory is on another file
 *       system than the bucket);</li>
 *   <li>a new bucket directory loses others' read permission (private bucket).</li>
 * </ul>
 * A listing leaves out a file named {@code <name>-<uuid>} (a random UUID) that carries no
 * {@code user.content-md5}: a write of S3Proxy in progress, or one a killed Relay of an older
 * version left (every object written by either carries that attribute, so none is left out; where
 * the file system keeps no attributes, the name alone decides).
 * Where the file system keeps no extended attributes the eTag is the file's MD5, as the backend
 * computes it then. Files larger than 5 MiB given to {@link #putFile} get the multipart eTag the
 * MinIO SDK's upload would get (parts sized as {@code PutObjectBaseArgs.getPartInfo}: 5 MiB up to
 * 48.8 GiB) and notify {@code s3:ObjectCreated:CompleteMultipartUpload}.
 *
 * <p>Keys must be storable as relative file paths: no empty, {@code .} or {@code ..} segment, no
 * leading or trailing {@code /}, no NUL; others get a {@link StoreException}. Thread-safe; several
 * processes may use one directory at once (each notifies only its own writes).
 * {@link #putIfAbsent} is atomic against other writers through this class (a hard link that fails
 * when the object exists); against an S3Proxy writer it is as best-effort as on S3Proxy itself.
 */
public final class FilesystemArtifactStore implements ArtifactStore {

    /** The MinIO SDK's minimum (and, up to 48.8 GiB, only) part size of a multipart upload. */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    private static final int MAX_PARTS = 10_000;
    /** Files up to this size go up through {@link #put} (far below {@link #MIN_PART_SIZE}: always one part). */
    private static final long SMALL_FILE = 256 * 1024;

    static final String XATTR_CONTENT_MD5 = "user.content-md5";
    static final String XATTR_CONTENT_TYPE = "user.content-type";
    static final String XATTR_STORAGE_TIER = "user.storage-tier";
    private static final byte[] TIER_STANDARD = "STANDARD".getBytes(StandardCharsets.US_ASCII);
    /** A new object file's mode before the umask: 0666 without others' read (see {@link #createPrivate}). */
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw--w-"));
    private static final Set<StandardOpenOption> CREATE_NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private final Path root;
    private final Path bucketDir;
    /** Where writes are staged ({@link TempFiles#stagingDir}); null: beside their objects. */
    private final Path staging;
    private final String bucket;
    private final Consumer<byte[]> sink;
    private final MinioRecords.Origin origin;

    /** Tests only: called with a write's temporary file, written and complete, just before it is moved into place. */
    volatile Consumer<Path> beforeCommit;

    private FilesystemArtifactStore(Path root, String bucket, Path staging, Consumer<byte[]> sink,
            MinioRecords.Origin origin) {
        this.root = root;
        this.bucket = bucket;
        this.bucketDir = root.resolve(bucket);
        this.staging = staging;
        this.sink = sink;
        this.origin = origin;
    }

    /**
     * Opens {@code bucket} under {@code dataDir}, creating both when missing, and the staging
     * directory {@code <dataDir>/.relay-tmp/}, removing the files a killed writer left there over an
     * hour ago.
     *
     * @param dataDir the data directory (as given to {@link EmbeddedS3Server#start}, e.g.
     *     {@code <stateDir>/s3})
     * @param bucket the bucket, a plain directory name (S3 rules: 3–63 characters)
     * @param accessKey the principal the notification records name (the embedded access key)
     * @param notificationSink receives one MinIO notification (UTF-8 JSON) per object written, on
     *     the writing thread, after the write; must be quick and thread-safe; its exception reaches
     *     the writer as a {@link StoreException} (the object stays written)
     * @throws StoreException when the directories cannot be created or the bucket name is not a
     *     plain directory name (or is {@code .relay-tmp})
     */
    public static FilesystemArtifactStore open(Path dataDir, String bucket, String accessKey,
            Consumer<byte[]> notificationSink) {
        Objects.requireNonNull(notificationSink, "notificationSink");
        if (bucket == null || bucket.isEmpty() || bucket.contains("/") || bucket.equals(".") || bucket.equals("..")
                || bucket.indexOf('\0') >= 0 || bucket.equals(TempFiles.STAGING_DIR)) {
            throw new StoreException("bucket name " + bucket + " is not a plain directory name", null, null);
        }
        try {
            Path root = Files.createDirectories(dataDir).toAbsolutePath().normalize();
            Path dir = root.resolve(bucket);
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectory(dir);
                    withoutOthersRead(dir);
                } catch (FileAlreadyExistsException e) {
                    // a concurrent creator, or a file in the way (checked below)
                }
                if (!Files.isDirectory(dir)) {
                    throw new IOException(dir + " exists and is not a directory");
                }
            }
            return new FilesystemArtifactStore(root, bucket, TempFiles.stagingDir(root, dir), notificationSink,
                    EmbeddedNotifications.origin(root, accessKey, "127.0.0.1", null));
        } catch (IOException e) {
            throw new StoreException("cannot open bucket " + bucket + " under " + dataDir + ": " + e, null, e);
        }
    }

    /** The data directory (absolute), holding one directory per bucket. */
    public Path dataDir() {
        return root;
    }

    @Override
    public void put(String key, byte[] data) {
        Path target = file(key);
        MessageDigest md5 = md5();
        byte[] digest = md5.digest(data);
        Path tmp = null;
        try {
            tmp = tempFor(target);
            try (OutputStream out = createPrivate(tmp)) {
                out.write(data);
            }
            tmp = commit(key, tmp, target, digest, null, true) ? null : tmp;
        } catch (IOException e) {
            throw fail("put", key, e);
        } finally {
            TempFiles.deleteQuietly(tmp);
        }
        emit("s3:ObjectCreated:Put", key, data.length, HexFormat.of().formatHex(digest), MinioArtifactStore.contentType(key));
    }

    @Override
    public void putFile(String key, Path file) {
        Path target = file(key);
        Path tmp = null;
        try {
            long size = Files.size(file);
            if (size <= SMALL_FILE) {
                // one part, so the same object, eTag and notification as put(): read at once (a log, a
                // small output) instead of streamed through three digests and a 64 KiB buffer
                put(key, Files.readAllBytes(file));
                return;
            }
            long partSize = partSize(size);
            tmp = tempFor(target);
            MessageDigest whole = md5();
            MessageDigest part = md5();
            MessageDigest ofParts = md5();
            int parts = 0;
            long inPart = 0;
            byte[] buf = new byte[65536];
            try (InputStream in = Files.newInputStream(file); OutputStream out = createPrivate(tmp)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    whole.update(buf, 0, n);
                    int off = 0;
                    while (off < n) {
                        int take = (int) Math.min(n - off, partSize - inPart);
                        part.update(buf, off, take);
                        inPart += take;
                        off += take;
                        if (inPart == partSize) {
                            ofParts.update(part.digest());
                            parts++;
                            inPart = 0;
                        }
                    }
                }
            }
            if (inPart > 0) {
                ofParts.update(part.digest());
                parts++;
            }
            String contentType = MinioArtifactStore.contentType(key);
            if (parts > 1) {
                String eTag = HexFormat.of().formatHex(ofParts.digest()) + "-" + parts;
                tmp = commit(key, tmp, target, null, eTag, true) ? null : tmp;
                emit("s3:ObjectCreated:CompleteMultipartUpload", key, Files.size(target), eTag, contentType);
            } else {
                byte[] digest = whole.digest();
                tmp = commit(key, tmp, target, digest, null, true) ? null : tmp;
                emit("s3:ObjectCreated:Put", key, size, HexFormat.of().formatHex(digest), contentType);
            }
        } catch (IOException e) {
            throw fail("put", key, e);
        } finally {
            TempFiles.deleteQuietly(tmp);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        Path target = file(key);
        if (target.toFile().exists()) {
            // (java.io.File: an absent target, the usual case of a launch intent, makes no exception; a
            // dangling link there, which File counts as absent, fails the hard link below: false as well)
            return false;
        }
        byte[] digest = md5().digest(data);
        Path tmp = null;
        try {
            tmp = tempFor(target);
            try (OutputStream out = createPrivate(tmp)) {
                out.write(data);
            }
            if (!commit(key, tmp, target, digest, null, false)) {
                return false;
            }
        } catch (IOException e) {
            throw fail("put", key, e);
        } finally {
            TempFiles.deleteQuietly(tmp);
        }
        emit("s3:ObjectCreated:Put", key, data.length, HexFormat.of().formatHex(digest), MinioArtifactStore.contentType(key));
        return true;
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path f = file(key);
        if (!isFile(f)) {
            return Optional.empty(); // absent (the engine asks for many statuses not written yet): no exception to make
        }
        try {
            return Optional.of(Files.readAllBytes(f));
        } catch (NoSuchFileException e) {
            // absent when read; a writer may publish it a moment later (checking again would call that a failure)
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.isRegularFile(f)) {
                return Optional.empty(); // a "directory" of keys, or a path through an object
            }
            throw fail("get", key, e);
        }
    }

    @Override
    public void download(String key, Path target) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            throw new StoreException("download " + uri(key) + ": no such key", key, null);
        }
        Path tmp = null;
        try {
            tmp = TempFiles.beside(target);
            Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
            TempFiles.moveIntoPlace(tmp, target);
            tmp = null;
        } catch (NoSuchFileException e) {
            if (!Files.exists(f)) {
                throw new StoreException("download " + uri(key) + ": no such key", key, e);
            }
            throw fail("download", key, e);
        } catch (IOException e) {
            throw fail("download", key, e);
        } finally {
            TempFiles.deleteQuietly(tmp);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path f = file(key);
        if (!isFile(f)) {
            return Optional.empty(); // e.g. a run's status.json while it runs, asked at each evaluation
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            String eTag = null;
            String contentType = null;
            UserDefinedFileAttributeView view = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
            if (view != null) {
                try {
                    List<String> names = view.list();
                    byte[] md5 = read(view, names, XATTR_CONTENT_MD5);
                    if (md5 != null) {
                        eTag = md5.length == 16 ? HexFormat.of().formatHex(md5)
                                : unquote(new String(md5, StandardCharsets.US_ASCII));
                    }
                    byte[] ct = read(view, names, XATTR_CONTENT_TYPE);
                    contentType = ct == null ? null : new String(ct, StandardCharsets.UTF_8);
                } catch (IOException | UnsupportedOperationException e) {
                    // no extended attributes here: fall back to the content's MD5 below
                }
            }
            if (eTag == null) {
                eTag = md5Hex(f);
            }
            return Optional.of(new ObjectInfo(key, attrs.size(), eTag, contentType,
                    attrs.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.SECONDS)));
        } catch (IOException e) {
            if (!Files.isRegularFile(f)) {
                return Optional.empty(); // no such file, or a path through an object
            }
            throw fail("stat", key, e);
        }
    }

    /** {@inheritDoc} Here one file-system stat: no extended attribute is read and no content hashed. */
    @Override
    public boolean exists(String key) {
        return isFile(file(key));
    }

    @Override
    public void delete(String key) {
        Path f = file(key);
        try {
            if (Files.deleteIfExists(f)) {
                emit("s3:ObjectRemoved:Delete", key, 0, null, null);
            }
        } catch (IOException e) {
            throw fail("delete", key, e);
        }
    }

    @Override
    public List<String> list(String prefix, boolean recursive) {
        Objects.requireNonNull(prefix, "prefix");
        int slash = prefix.lastIndexOf('/');
        String dirKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
        SortedSet<String> keys = new TreeSet<>(MinioArtifactStore.UTF8_ORDER);
        Path dir = slash < 0 ? bucketDir : bucketDir.resolve(dirKey);
        if (prefix.indexOf('\0') >= 0 || (!dirKey.isEmpty() && !storable(dirKey.substring(0, dirKey.length() - 1)))) {
            return new ArrayList<>(keys); // no object can have a key under such a prefix
        }
        if (!dir.toFile().isDirectory()) {
            return new ArrayList<>(); // e.g. a run's generations/ before any retry: no NoSuchFileException to make
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String childKey = dirKey + child.getFileName();
                if (!childKey.startsWith(prefix)) {
                    continue; // the prefix's last segment is a partial name: "runs/r" matches "runs/r1/"
                }
                boolean isDir = Files.isDirectory(child);
                if (!isDir) {
                    if (!TempFiles.isBesideTemp(child)) {
                        keys.add(childKey);
                    }
                } else if (!recursive) {
                    keys.add(childKey + "/");
                } else {
                    walkFiles(child, p -> keys.add(childKey + "/" + child.relativize(p).toString()));
                }
            }
            return new ArrayList<>(keys);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return new ArrayList<>();
        } catch (IOException | java.io.UncheckedIOException e) {
            if (!Files.isDirectory(dir)) {
                return new ArrayList<>(); // the prefix runs through an object
            }
            throw new StoreException("list " + uri(prefix) + "* failed: " + e, prefix, e);
        }
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /**
     * Sets the metadata, takes away others' read permission and moves {@code tmp} to {@code target}.
     *
     * @param replace true: rename over an existing object; false: only if none exists (hard link)
     * @return false when {@code replace} is false and an object existed ({@code tmp} is left for the caller)
     */
    private boolean commit(String key, Path tmp, Path target, byte[] md5, String multipartETag, boolean replace)
            throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(tmp, UserDefinedFileAttributeView.class);
        if (view != null) {
            try {
                view.write(XATTR_CONTENT_MD5, ByteBuffer.wrap(md5 != null ? md5
                        : ("\"" + multipartETag + "\"").getBytes(StandardCharsets.US_ASCII)));
                view.write(XATTR_CONTENT_TYPE, ByteBuffer.wrap(
                        MinioArtifactStore.contentType(key).getBytes(StandardCharsets.UTF_8)));
                view.write(XATTR_STORAGE_TIER, ByteBuffer.wrap(TIER_STANDARD));
            } catch (IOException | UnsupportedOperationException e) {
                // no extended attributes on this file system: the backend then derives the eTag from the content
            }
        }
        Consumer<Path> hook = beforeCommit;
        if (hook != null) {
            hook.accept(tmp);
        }
        if (!replace) {
            try {
                Files.createLink(target, tmp);
                Files.deleteIfExists(tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
            }
        }
        TempFiles.moveIntoPlace(tmp, target);
        return true;
    }

    private void emit(String eventName, String key, long size, String eTag, String contentType) {
        Instant now = Instant.now();
        byte[] record = MinioRecords.envelope(eventName, bucket, key, size, eTag, contentType,
                EmbeddedNotifications.nextSequencer(now), now, origin);
        try {
            sink.accept(record);
        } catch (RuntimeException e) {
            throw new StoreException("wrote " + uri(key) + " but its notification failed: " + e, key, e);
        }
    }

    /** The file of {@code key}, after checking that the key is a plain relative path. */
    private Path file(String key) {
        if (key == null || key.isEmpty()) {
            throw new StoreException("object key is empty", key, null);
        }
        if (!storable(key)) {
            throw new StoreException("object key " + key + " cannot be stored on the filesystem store: expected"
                    + " /-separated names without a leading or trailing /, an empty, . or .. segment, or a NUL", key, null);
        }
        return bucketDir.resolve(key);
    }

    private static boolean storable(String key) {
        if (key.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every regular file below {@code dir} but writes in progress ({@link TempFiles#isBesideTemp}). An entry that vanishes while it is walked (a write's
     * temporary file renamed into place, a directory removed) is left out, as if the walk had come
     * a moment later, instead of failing the whole listing with a {@code NoSuchFileException}.
     */
    private static void walkFiles(Path dir, java.util.function.Consumer<Path> each) throws IOException {
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if ((attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(file))) && !TempFiles.isBesideTemp(file)) {
                    each.accept(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    /** A new temporary file's path for a write of {@code target} (whose parent directories it creates). */
    private Path tempFor(Path target) throws IOException {
        mkdirs(target.getParent());
        return staging != null ? TempFiles.staged(staging) : TempFiles.besideTempName(target);
    }

    /**
     * Whether {@code f} is a regular file (following links), as {@link Files#isRegularFile}, but
     * without the {@code NoSuchFileException} that NIO makes (and catches) for an absent one.
     */
    private static boolean isFile(Path f) {
        return f.toFile().isFile();
    }

    /**
     * {@link Files#createDirectories} for {@code dir}, finding the missing directories with one
     * stat each instead of a failed mkdir per level and an exception per failure (an attempt's
     * first object creates three: {@code tasks/<t>/attempts/<n>/}).
     *
     * @throws FileAlreadyExistsException when a file other than a directory is in the way
     */
    private static void mkdirs(Path dir) throws IOException {
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        for (Path p = dir; p != null && !p.toFile().isDirectory(); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e; // a file in the way, as createDirectories says it
                }
                // a concurrent writer created it
            }
        }
    }

    /**
     * Creates the new temporary file {@code tmp} for writing, without others' read permission
     * (jclouds' private blob access) from the start: open(2)'s mode is masked by the umask as
     * {@code Files.write}'s 0666 is, so the file gets the permissions a chmod after it gave, in one
     * system call instead of three.
     */
    private static OutputStream createPrivate(Path tmp) throws IOException {
        try {
            return Channels.newOutputStream(Files.newByteChannel(tmp, CREATE_NEW_FILE, PRIVATE_FILE));
        } catch (UnsupportedOperationException e) {
            OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                withoutOthersRead(tmp);
            } catch (IOException | RuntimeException failed) {
                out.close();
                throw failed;
            }
            return out;
        }
    }

    private static void withoutOthersRead(Path p) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (perms.remove(PosixFilePermission.OTHERS_READ)) {
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to take away
        }
    }

    private static byte[] read(UserDefinedFileAttributeView view, List<String> names, String name) throws IOException {
        if (!names.contains(name)) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.allocate(view.size(name));
        view.read(name, buf);
        return buf.array();
    }

    /**
     * The part size the MinIO SDK's upload of {@code size} bytes uses ({@code PutObjectBaseArgs.getPartInfo}
     * with no part size given): the size over 10,000 parts rounded up to a multiple of 5 MiB, at most the size.
     */
    static long partSize(long size) {
        double p = Math.ceil((double) size / MAX_PARTS);
        long partSize = (long) (Math.ceil(p / MIN_PART_SIZE) * MIN_PART_SIZE);
        return Math.max(1, Math.min(partSize, size));
    }

    private static String md5Hex(Path f) throws IOException {
        MessageDigest md = md5();
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    private StoreException fail(String op, String key, Exception e) {
        return new StoreException(op + " " + uri(key) + " failed: " + e, key, e);
    }

    private static String unquote(String eTag) {
        if (eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }
}
