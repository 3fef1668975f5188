package dev.versionobserver.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import dev.versionobserver.support.WsClient;

/**
 * Measures event-loop stalls from outside: one socket per pod, a ping every 100 ms, the round-trip to its pong.
 * A pod whose loop is blocked answers late; the longest round-trip seen is the longest stall (plus a loopback
 * round-trip). Pods come and go: {@code targets} is asked on every tick for the pods to probe (name to socket
 * URI); a pod that goes away ends its socket and is dropped.
 */
final class StallProbe implements AutoCloseable {

    private static final Duration PONG_WITHIN = Duration.ofSeconds(15);

    private final Supplier<Map<String, URI>> targets;
    private final Map<String, WsClient> sockets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stall-probe");
        t.setDaemon(true);
        return t;
    });
    private volatile double maxMs;
    private double phaseMaxMs; // guarded by this
    private volatile String maxPod = "-";
    private volatile long samples;

    StallProbe(Supplier<Map<String, URI>> targets) {
        this.targets = targets;
        timer.scheduleWithFixedDelay(this::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        Map<String, URI> now = targets.get();
        sockets.keySet().removeIf(name -> {
            if (!now.containsKey(name)) {
                close(sockets.get(name));
                return true;
            }
            return false;
        });
        for (Map.Entry<String, URI> target : now.entrySet()) {
            try {
                WsClient socket = sockets.get(target.getKey());
                if (socket == null) {
                    socket = WsClient.connect(target.getValue());
                    sockets.put(target.getKey(), socket);
                }
                long sent = System.nanoTime();
                socket.sendText("ping");
                while (true) {
                    WsClient.Received message = socket.nextReceived(PONG_WITHIN);
                    JsonNode json = message.json();
                    if (json.path("type").asText().equals("pong")) {
                        record(target.getKey(), (message.arrivedNanos() - sent) / 1e6);
                        break;
                    }
                }
            } catch (Exception | AssertionError e) {
                // A pod going away mid-ping, or a refused connect during its shutdown: not a stall.
                close(sockets.remove(target.getKey()));
            }
        }
    }

    private synchronized void record(String pod, double ms) {
        samples++;
        phaseMaxMs = Math.max(phaseMaxMs, ms);
        if (ms > maxMs) {
            maxMs = ms;
            maxPod = pod;
        }
    }

    private static void close(WsClient socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (Exception e) {
                // closing a probe socket: nothing to do
            }
        }
    }

    /** The longest ping round-trip seen so far, in ms. */
    double maxMs() {
        return maxMs;
    }

    /**
     * The longest round-trip since the previous call (or the start), in ms, so that a benchmark can tell its phases
     * apart (e.g. an accept burst from the fan-out after it); {@link #maxMs()} keeps the longest of the whole run.
     */
    synchronized double phaseMaxMs() {
        double phase = phaseMaxMs;
        phaseMaxMs = 0;
        return phase;
    }

    /** One line for the report: the longest round-trip, where, out of how many samples. */
    String summary() {
        return String.format("longest event-loop stall seen from outside: %.0f ms ping round-trip (pod %s, %d "
                + "samples every 100 ms per pod)", maxMs, maxPod, samples);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        sockets.values().forEach(StallProbe::close);
    }
}
