package dev.relay.runner.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.eventing.trigger.Trigger;
import dev.relay.eventing.trigger.TriggerEvent;
import dev.relay.runner.contract.Json;
import dev.relay.runner.store.ArtifactStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Debounce windows of upload triggers ({@code debounce: 30s}, docs/contracts.md): uploads under one
 * prefix (the key up to its last {@code /}) within a window fixed from the first upload start one
 * run. All state lives in the bucket, so a restart or another instance loses nothing:
 * <pre>
 * triggers/debounce/&lt;trigger&gt;/&lt;hash of bucket and prefix&gt;/window.json        the open window
 * triggers/debounce/&lt;trigger&gt;/&lt;hash&gt;/&lt;window&gt;/&lt;time&gt;-&lt;sequencer&gt;-&lt;dedupe&gt;   one object per upload
 * triggers/debounce/&lt;trigger&gt;/&lt;hash&gt;/&lt;window&gt;/fired                    written once when the run starts
 * </pre>
 * A window closes at its end on a timer of the live instance; {@link #resume()} re-arms the timers
 * of open windows after a restart. A notification later than its window's end opens the next one.
 */
final class DebounceWindows implements AutoCloseable {
    static final String PREFIX = "triggers/debounce/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ArtifactStore store;
    private final Map<String, Trigger.UploadTrigger> triggers;
    private final BiConsumer<Trigger.UploadTrigger, Window> fire;
    private final Timers timers;

    /**
     * When windows close. {@link #WALL_CLOCK} closes each at its end in wall time on a daemon
     * thread; tests pass their own, so a window's membership never depends on how fast a loaded
     * machine posts its uploads.
     */
    interface Timers extends AutoCloseable {
        /** @return the current time, epoch milliseconds (used for an upload without an event time) */
        long now();

        /** Runs {@code task} once {@link #now()} has reached {@code epochMillis}. */
        void at(long epochMillis, Runnable task);

        @Override
        void close();
    }

    /** Wall-clock timers on one daemon thread; {@code close} drops the pending ones. */
    static Timers wallClock() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-debounce");
            t.setDaemon(true);
            return t;
        });
        return new Timers() {
            @Override
            public long now() {
                return System.currentTimeMillis();
            }

            @Override
            public void at(long epochMillis, Runnable task) {
                executor.schedule(task, Math.max(0, epochMillis - now()) + 50, TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }

    /**
     * A closed window: its first upload's event (for {@code object.*} and {@code event.*}) and
     * every object's URI in upload order.
     */
    record Window(String id, JsonNode first, List<String> uris) {}

    DebounceWindows(ArtifactStore store, Map<String, Trigger.UploadTrigger> triggers, BiConsumer<Trigger.UploadTrigger, Window> fire,
            Timers timers) {
        this.store = store;
        this.triggers = triggers;
        this.fire = fire;
        this.timers = timers;
    }

    /** Adds a matching upload to its prefix's open window, opening one when none is open. */
    synchronized void add(Trigger.UploadTrigger t, TriggerEvent e, String dedupe) {
        String key = e.object().key();
        String prefix = key.contains("/") ? key.substring(0, key.lastIndexOf('/') + 1) : "";
        String base = PREFIX + t.name() + "/" + sha(e.object().bucket() + "\n" + prefix).substring(0, 16) + "/";
        long at = e.object().eventTime() != null ? e.object().eventTime().toEpochMilli() : timers.now();
        Optional<ObjectNode> open = store.get(base + "window.json").map(b -> (ObjectNode) Json.read(b, JsonNode.class, base + "window.json"));
        ObjectNode w;
        if (open.isPresent() && at < open.get().get("end").asLong()
                && store.stat(base + open.get().get("id").asText() + "/fired").isEmpty()) {
            w = open.get();
        } else {
            w = Json.MAPPER.createObjectNode();
            w.put("id", at + "-" + HexFormat.of().formatHex(bytes(3)));
            w.put("trigger", t.name());
            w.put("bucket", e.object().bucket());
            w.put("prefix", prefix);
            w.put("start", at);
            w.put("end", at + t.debounce().toMillis());
            w.set("first", first(e));
            store.put(base + "window.json", Json.bytes(w));
            schedule(t, base, w);
        }
        ObjectNode member = Json.MAPPER.createObjectNode();
        member.put("uri", e.object().uri());
        member.put("key", key);
        store.put(base + w.get("id").asText() + "/" + String.format("%013d", at) + "-" + e.object().sequencer()
                + "-" + dedupe.substring(0, 12) + ".json", Json.bytes(member));
    }

    /** Re-arms the timer of every window that has not fired (after a restart). */
    void resume() {
        for (String key : store.list(PREFIX, true)) {
            if (!key.endsWith("/window.json")) {
                continue;
            }
            String base = key.substring(0, key.length() - "window.json".length());
            store.get(key).ifPresent(b -> {
                JsonNode w = Json.read(b, JsonNode.class, key);
                Trigger.UploadTrigger t = triggers.get(w.path("trigger").asText());
                if (t != null && store.stat(base + w.get("id").asText() + "/fired").isEmpty()) {
                    schedule(t, base, w);
                }
            });
        }
    }

    private void schedule(Trigger.UploadTrigger t, String base, JsonNode w) {
        timers.at(w.get("end").asLong(), () -> close(t, base, w));
    }

    private void close(Trigger.UploadTrigger t, String base, JsonNode w) {
        try {
            String dir = base + w.get("id").asText() + "/";
            if (!store.putIfAbsent(dir + "fired", new byte[0])) {
                return;
            }
            List<String> uris = new ArrayList<>();
            for (String k : store.list(dir, true)) {
                if (k.endsWith(".json")) {
                    store.get(k).ifPresent(b -> uris.add(Json.read(b, JsonNode.class, k).get("uri").asText()));
                }
            }
            fire.accept(t, new Window(w.get("id").asText(), w.get("first"), uris));
        } catch (RuntimeException e) {
            System.err.println("relay: debounce window " + base + " of trigger '" + t.name() + "' failed: " + e.getMessage());
        }
    }

    /** The first upload's fields, enough to rebuild its {@link TriggerEvent}. */
    private static ObjectNode first(TriggerEvent e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", e.id());
        n.put("source", e.source());
        n.put("type", e.type());
        n.put("subject", e.subject());
        n.put("time", e.time());
        ObjectNode o = n.putObject("object");
        o.put("eventName", e.object().eventName());
        o.put("bucket", e.object().bucket());
        o.put("key", e.object().key());
        o.put("eTag", e.object().eTag());
        o.put("versionId", e.object().versionId());
        if (e.object().size() != null) {
            o.put("size", e.object().size());
        }
        o.put("sequencer", e.object().sequencer());
        return n;
    }

    /** @return {@code objects.uris} as the JSON array text the contract gives */
    static String urisJson(List<String> uris) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        uris.forEach(a::add);
        return a.toString();
    }

    @Override
    public void close() {
        timers.close();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String sha(String s) {
        return dev.relay.eventing.Sha256.hex(s);
    }
}
