package dev.relay.functions.app;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One {@code relay server} per state dir: an OS file lock ({@link FileChannel#tryLock()}) on
 * {@code <stateDir>/server.lock}, held for the server's life and released by the OS when its JVM
 * ends, even by {@code kill -9}. The lock, not the content of {@code server.json}, says whether a
 * server runs; the lock file's text ({@code pid N http URL}, written by the holder) only names it
 * in the refusal. {@code relay run} and the other CLI commands never take it: they share the state
 * dir with a running server as before. On {@link #close()} the server's {@code server.json} is
 * removed when it is still the one this server wrote (so {@code relay upload} no longer finds a
 * stopped server), then the lock is released; the lock file itself stays (deleting it would let
 * two servers lock two different files).
 */
public final class ServerLock implements AutoCloseable {
    /** The lock file's name in the state dir. */
    public static final String FILE = "server.lock";

    private final Path stateDir;
    private final FileChannel channel;
    private final FileLock lock;
    private byte[] serverJson; // what this server wrote to server.json, null before

    private ServerLock(Path stateDir, FileChannel channel, FileLock lock) {
        this.stateDir = stateDir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the state dir's server lock, creating the state dir and the lock file as needed, and
     * writes {@code pid <this pid> http <http>} into the lock file.
     *
     * @param http this server's HTTP base URL, e.g. {@code http://127.0.0.1:8080}
     * @throws ConfigurationException when another server (another JVM, or this one) holds it:
     *     {@code state dir S is already served by relay server pid N at URL}
     * @throws UncheckedIOException when the state dir or the lock file cannot be made or locked
     */
    public static ServerLock acquire(Path stateDir, String http) {
        Path file = stateDir.resolve(FILE);
        FileChannel ch;
        try {
            Files.createDirectories(stateDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the server lock " + file + ": " + e.getMessage(), e);
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            l = null;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (l == null) {
            closeQuietly(ch);
            throw new ConfigurationException("relay refuses to start: state dir " + stateDir + " is already served by "
                    + holder(file) + " (stop it first, or pass another --state-dir)");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " http " + http + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
        } catch (IOException e) {
            // the lock is held; only the name in a later refusal is missing
        }
        return new ServerLock(stateDir, ch, l);
    }

    /** The holder as its lock file names it: {@code relay server pid N at URL}, or less when unreadable. */
    private static String holder(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "another relay server";
        }
        String[] w = text.split("\\s+");
        if (w.length >= 4 && w[0].equals("pid") && w[2].equals("http")) {
            return "relay server pid " + w[1] + " at " + w[3];
        }
        return "another relay server";
    }

    /** Records what this server wrote to {@code server.json}: {@link #close()} removes the file only if it still holds that. */
    public synchronized void wroteServerJson(byte[] content) {
        this.serverJson = content.clone();
    }

    /** Removes {@code server.json} if it is still this server's, then releases the lock. */
    @Override
    public synchronized void close() {
        if (serverJson != null) {
            Path file = stateDir.resolve("server.json");
            try {
                if (Arrays.equals(Files.readAllBytes(file), serverJson)) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException gone) {
                // absent or unreadable: nothing of ours to remove
            }
            serverJson = null;
        }
        if (channel.isOpen()) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
