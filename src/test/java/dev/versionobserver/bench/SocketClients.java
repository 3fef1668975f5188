package dev.versionobserver.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.versionobserver.support.VertxSockets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * A benchmark's page stand-ins in a process of their own, since one process may hold at most 20 000 open files:
 * {@code SocketClients HOST,HOST,... PORT COUNT LOCAL_ADDRESS OUT}. Opens COUNT sockets as pages of 1.0.0, spread
 * round-robin over the hosts, from LOCAL_ADDRESS (a 127.x address, so several processes do not share one
 * address's ports), at most 200 handshakes in flight and for at most 3 minutes; prints {@code READY hellos failed}
 * once all are settled. Records the {@link System#nanoTime()} of every other text message (CLOCK_MONOTONIC, the
 * same clock as the parent's on Linux); once every greeted socket has one (or after 3 minutes) writes them, one per
 * line, to OUT, prints {@code DONE n} and exits.
 */
public final class SocketClients {

    private SocketClients() {
    }

    public static void main(String[] args) throws Exception {
        String[] hosts = args[0].split(",");
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        String local = args[3];
        Path out = Path.of(args[4]);
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxWebSockets(count + 10)
                .setConnectTimeout(10_000).setLocalAddress(local));
        AtomicInteger hellos = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(200);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            inFlight.acquire();
            // Handlers set before the hello can be read (VertxSockets); the completion only counts.
            VertxSockets.connect(vertx, client, new WebSocketConnectOptions().setHost(hosts[i % hosts.length])
                    .setPort(port).setURI("/version/ws?v=1.0.0").setTimeout(15_000), socket -> socket
                            .textMessageHandler(text -> {
                                if (text.contains("\"hello\"")) {
                                    hellos.incrementAndGet();
                                } else {
                                    arrivals.add(System.nanoTime());
                                }
                            })).onComplete(r -> {
                                inFlight.release();
                                if (r.failed()) {
                                    failed.incrementAndGet();
                                }
                            });
        }
        awaitAtMost(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                () -> hellos.get() + failed.get() >= count);
        System.out.println("READY " + hellos.get() + " " + failed.get());
        System.out.flush();
        // Then until every greeted socket got one more message, for at most 3 minutes more.
        awaitAtMost(Duration.ofMinutes(3), () -> arrivals.size() >= hellos.get());
        List<String> lines = new ArrayList<>();
        arrivals.forEach(t -> lines.add(Long.toString(t)));
        Files.write(out, lines);
        System.out.println("DONE " + lines.size());
        System.out.flush();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        System.exit(0);
    }

    /** Waits for the condition, or gives up after {@code within}: what was reached is reported either way. */
    private static void awaitAtMost(Duration within, java.util.concurrent.Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(within.plusMillis(1)).pollInterval(Duration.ofMillis(20)).until(condition);
        } catch (ConditionTimeoutException e) {
            // reported by the caller's counts
        }
    }
}
