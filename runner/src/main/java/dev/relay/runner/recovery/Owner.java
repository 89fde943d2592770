package dev.relay.runner.recovery;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The process that owns an execution: the {@code relay run} or {@code relay server} JVM that
 * launched it. A PID alone can be reused, so the owner is its PID plus the process's start time;
 * the owner is alive while a process with that PID and that start time exists on {@code host}.
 *
 * @param pid       process id
 * @param startedAt the process's start time, epoch milliseconds (as {@link ProcessHandle.Info#startInstant()} gives it)
 * @param host      the machine's host name (PIDs mean nothing on another machine)
 */
public record Owner(long pid, long startedAt, String host) {
    private static final Owner SELF = of(ProcessHandle.current()).orElseThrow(
            () -> new IllegalStateException("the platform does not tell this process's start time"));

    /** @return this JVM as an owner */
    public static Owner self() {
        return SELF;
    }

    /** @return the owner record of a running process; empty when the platform does not tell its start time */
    public static Optional<Owner> of(ProcessHandle p) {
        return p.info().startInstant().map(t -> new Owner(p.pid(), t.toEpochMilli(), hostName()));
    }

    /** @return whether this owner is on this machine, so its liveness can be checked here */
    public boolean local() {
        return hostName().equals(host);
    }

    /**
     * @return true when a process with this PID and start time exists (on this machine; an owner
     *     on another machine counts as alive: it cannot be judged from here)
     */
    public boolean alive() {
        return !local() || alive(pid, startedAt);
    }

    /** @return true when process {@code pid} exists, is not a zombie, and started at {@code startedAt} (epoch ms) */
    public static boolean alive(long pid, long startedAt) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        Optional<java.time.Instant> t = h.get().info().startInstant();
        // no start time: a zombie (exited, not yet reaped) or a process we may not inspect
        return t.isPresent() && t.get().toEpochMilli() == startedAt && !zombie(pid);
    }

    /** @return whether {@code /proc} says process {@code pid} has exited and waits to be reaped */
    static boolean zombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return state.equals("Z") || state.equals("X");
        } catch (java.io.IOException | RuntimeException e) {
            return false; // no /proc (not Linux), or gone: ProcessHandle decided already
        }
    }

    static String hostName() {
        String h = HostName.value;
        if (h == null) {
            // the kernel's name, not a DNS lookup (which can take seconds where no resolver answers)
            try {
                h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (java.io.IOException | RuntimeException e) {
                h = System.getenv().getOrDefault("HOSTNAME", "");
            }
            if (h.isEmpty()) {
                try {
                    h = InetAddress.getLocalHost().getHostName();
                } catch (java.io.IOException e) {
                    h = "localhost";
                }
            }
            HostName.value = h;
        }
        return h;
    }

    /** The cached host name. */
    private static final class HostName {
        static volatile String value;
    }
}
