package dev.relay.runner.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.UUID;

/**
 * The stores' temporary files: a file is written under a name nobody reads and then renamed into
 * place, so a reader sees the old file or the whole new one. Two places hold them:
 * <ul>
 *   <li>a download's {@code .relay-download-<random>.part} beside its local target ({@link #beside});</li>
 *   <li>the filesystem store's writes: the staging directory {@code <dataDir>/.relay-tmp/} beside the
 *       bucket directories ({@link #stagingDir}), so that no listing of a bucket, Relay's or
 *       S3Proxy's, sees a write in progress. A dot-name is no valid S3 bucket name, so it can never
 *       be a bucket; {@link NotifyingBlobStore} leaves it out of S3Proxy's bucket list.</li>
 * </ul>
 * jclouds' filesystem backend (S3Proxy) still writes its own {@code <key>-<uuid>} beside the
 * object, as Relay did before the staging directory; {@link #isBesideTempName} recognises that name
 * and {@link #isBesideTemp} such a file, which every listing of a bucket leaves out.
 */
final class TempFiles {

    /** The staging directory's name under the data directory. */
    static final String STAGING_DIR = ".relay-tmp";
    /** A staged file untouched this long (ms) is a killed writer's leftover, removed when a store opens. */
    static final long STALE_MS = 60L * 60 * 1000;

    private TempFiles() {}

    /**
     * Creates an empty temporary file beside {@code target} ({@code .relay-download-<random>.part}),
     * creating the parent directories.
     *
     * @throws IOException when the directory or the file cannot be created
     */
    static Path beside(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempFile(parent, ".relay-download-", ".part");
    }

    /**
     * The staging directory of the data directory {@code root} (created when missing), after removing
     * its files older than {@link #STALE_MS}: a file being written has its modification time moved by
     * every write, so only a writer stalled or killed that long loses its file. Null when the directory
     * is on another file system than {@code bucketDir} (a rename from it would be a copy, visible
     * half-done): the writes then go beside their objects ({@link #besideTempName}).
     *
     * @throws IOException when the directory cannot be created
     */
    static Path stagingDir(Path root, Path bucketDir) throws IOException {
        Path dir = root.resolve(STAGING_DIR);
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + " exists and is not a directory", e);
            }
        }
        if (!Files.getFileStore(dir).equals(Files.getFileStore(bucketDir))) {
            return null;
        }
        File[] leftovers = dir.toFile().listFiles();
        long before = System.currentTimeMillis() - STALE_MS;
        for (File f : leftovers == null ? new File[0] : leftovers) {
            long modified = f.lastModified(); // 0 when it vanished meanwhile: delete() then fails quietly
            if (modified != 0 && modified < before && f.isFile()) {
                f.delete();
            }
        }
        return dir;
    }

    /** A new name in {@code stagingDir} ({@code <uuid>.part}); the file is not created. */
    static Path staged(Path stagingDir) {
        return stagingDir.resolve(UUID.randomUUID() + ".part");
    }

    /** The name jclouds (and Relay before the staging directory) writes {@code target} under: {@code <name>-<uuid>}. */
    static Path besideTempName(Path target) {
        return target.resolveSibling(target.getFileName() + "-" + UUID.randomUUID());
    }

    /**
     * Whether a file name has the form {@link #besideTempName} gives: at least one character, then
     * {@code -} and a random (version 4) UUID as {@link UUID#toString} writes it (lower-case hex).
     */
    static boolean isBesideTempName(String name) {
        int n = name.length();
        int u = n - 36;
        if (u < 2 || name.charAt(u - 1) != '-' || name.charAt(u + 14) != '4') {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = name.charAt(u + i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        char variant = name.charAt(u + 19);
        return variant == '8' || variant == '9' || variant == 'a' || variant == 'b';
    }

    /**
     * Whether the regular file {@code f} is a write in progress (or a killed one) of jclouds or of an
     * older Relay rather than an object: named {@code <name>-<uuid>} ({@link #isBesideTempName}) and
     * without the {@code user.content-md5} extended attribute every object gets (the name alone
     * decides where the file system keeps no extended attributes, and for a file that vanished
     * meanwhile: renamed into place). Used by every listing of a bucket directory: the filesystem
     * store's and S3Proxy's ({@link NotifyingBlobStore}).
     */
    static boolean isBesideTemp(Path f) {
        if (!isBesideTempName(f.getFileName().toString())) {
            return false;
        }
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
            return view == null || !view.list().contains(FilesystemArtifactStore.XATTR_CONTENT_MD5);
        } catch (IOException | UnsupportedOperationException e) {
            return true; // vanished (renamed into place), or no attributes here
        }
    }

    /**
     * Renames {@code tmp} to {@code target}, replacing it: atomically, or (where the file system
     * cannot) by a plain move.
     */
    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes {@code p} if it is not null, ignoring any failure (clean-up of a temporary file). */
    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort clean-up of our own temporary file
            }
        }
    }
}
