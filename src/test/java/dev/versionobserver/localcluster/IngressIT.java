package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.versionobserver.localcluster.LocalCluster.PodInfo;
import dev.versionobserver.support.VertxSockets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;

/**
 * The pods behind a real nginx configured as ingress-nginx configures a WebSocket backend: pages in Chromium, many
 * clients from many addresses, a proxy that cuts idle sockets, one that terminates TLS and rewrites the Host, and
 * clients that forge or mangle forwarded headers.
 *
 * <p>Timings are scaled down together: the server pings every 2 s, the main Ingress host's read timeout is 5 s
 * (ingress-nginx's 60 s against the default 25 s ping), and a second host's is 1 s, shorter than the ping, as a
 * load balancer that caps a socket's life would.
 */
class IngressIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Long enough for a late duplicate prompt (a reconnect through the proxy every second or so) to show. */
    private static final Duration QUIET = Duration.ofSeconds(4);
    private static final int CAP = 10;
    private static final int MAIN = 0;
    private static final int CUTTING = 1;
    private static final int TLS = 2;
    private static final String REWRITTEN_HOST = "version-observer.demo.svc:8080";

    private LocalCluster cluster;
    private final Vertx vertx = Vertx.vertx();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startCluster() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(LocalClusterMain.DEMO_ENV);
        env.put("OBSERVER_PUSH_TRUSTED_PROXIES", NginxIngress.SOURCE + "/32");
        env.put("OBSERVER_PUSH_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(CAP));
        env.put("OBSERVER_PUSH_PING_INTERVAL", "2s");
        NginxIngress.Listener main = NginxIngress.Listener.ingressNginxDefaults().withReadTimeout(Duration.ofSeconds(5));
        cluster = new LocalCluster(LocalCluster.Options.defaults().withEnv(env).withIngress(List.of(main,
                main.withReadTimeout(Duration.ofSeconds(1)), main.terminatingTls(REWRITTEN_HOST))),
                line -> System.out.println("[cluster] " + line));
        cluster.deployAndAwaitPublished("1.0.0", 3, WAIT);
    }

    @AfterEach
    void stopCluster() throws Exception {
        try {
            for (AutoCloseable c : closeables) {
                c.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            cluster.close();
        }
    }

    // ---- pages in Chromium ------------------------------------------------------------------------------------

    private ChromiumPage page(int listener) throws Exception {
        ChromiumPage page = new ChromiumPage(cluster.ingress().url(listener) + "/");
        closeables.add(page);
        return page;
    }

    private static String helloPod(ChromiumPage page) {
        return (String) page.browser().js("var m = window.versionObserver.state.lastMessage;"
                + " return m && m.type === 'hello' ? m.pod : null");
    }

    private static long connects(ChromiumPage page) {
        return ((Number) page.browser().js("return window.versionObserver.state.connects")).longValue();
    }

    @Test
    void pagesBehindTheIngressAreToldOnceAfterConvergenceWhateverTheProxyDoesToTheirSockets() throws Exception {
        ChromiumPage plain = page(MAIN);
        ChromiumPage cut = page(CUTTING);
        ChromiumPage tls = page(TLS);
        List<ChromiumPage> pages = List.of(plain, cut, tls);
        await().atMost(WAIT).until(() -> pages.stream().allMatch(p -> helloPod(p) != null));
        // The 1 s read timeout cuts that page's socket between two pings: it reconnects, again and again.
        await().atMost(WAIT).until(() -> connects(cut) >= 3);

        String servedBy = helloPod(plain);
        cluster.deletePod(servedBy);
        await().atMost(WAIT).until(() -> cluster.pod(servedBy).isEmpty());
        await().atMost(WAIT).until(() -> plain.connected() && helloPod(plain) != null
                && !servedBy.equals(helloPod(plain)));

        cluster.rollout("2.0.0");
        await().atMost(WAIT).until(cluster::rolledOut);
        await().atMost(WAIT).until(() -> cluster.published().equals(Optional.of("2.0.0")));
        await().atMost(WAIT).until(() -> pages.stream().allMatch(p -> p.prompts() >= 1));
        long connectsAtPrompt = connects(cut);
        await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> pages.stream().allMatch(p -> p.prompts() == 1));
        assertThat(connects(cut)).as("the cut page kept reconnecting while it was watched").isGreaterThan(connectsAtPrompt);
        for (ChromiumPage page : pages) {
            assertThat(page.browser().banners()).as(page + " banners").isEqualTo(1);
        }
        assertThat(cluster.ingress().reloads()).as("nginx followed the pods").isGreaterThanOrEqualTo(4);
    }

    // ---- many clients -----------------------------------------------------------------------------------------

    /** How a handshake ended: greeted, closed after opening (with its code), or refused before the upgrade. */
    private record Outcome(boolean greeted, Short closeCode, Integer refusedStatus) {
    }

    private final Map<String, WebSocketClient> clients = new LinkedHashMap<>();

    private WebSocketClient clientFrom(String address) {
        return clients.computeIfAbsent(address, a -> vertx.createWebSocketClient(
                new WebSocketClientOptions().setLocalAddress(a).setMaxConnections(1000)));
    }

    /** Opens a socket; the future completes with the first thing that happens to it. */
    private Future<Outcome> open(String from, int port, Map<String, String> headers, List<WebSocket> keep) {
        return open(from, "127.0.0.1", port, headers, keep);
    }

    private Future<Outcome> open(String from, String host, int port, Map<String, String> headers,
            List<WebSocket> keep) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port)
                .setURI("/version/ws?v=1.0.0");
        headers.forEach(options::addHeader);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        // Handlers set as the handshake completes, on its event loop: a hello read before them would be lost.
        VertxSockets.connect(vertx, clientFrom(from), options, ws -> {
            keep.add(ws);
            ws.closeHandler(v -> outcome.complete(new Outcome(false, ws.closeStatusCode(), null)));
            ws.textMessageHandler(text -> outcome.complete(new Outcome(text.contains("\"hello\""), null, null)));
        }).onFailure(e -> outcome.complete(new Outcome(false, null,
                e instanceof UpgradeRejectedException r ? r.getStatus() : -1)));
        return Future.fromCompletionStage(outcome);
    }

    private static List<Outcome> all(List<Future<Outcome>> futures) throws Exception {
        Future.all(futures).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return futures.stream().map(Future::result).toList();
    }

    private List<WebSocket> kept() {
        List<WebSocket> kept = new ArrayList<>();
        closeables.add(() -> kept.forEach(WebSocket::close));
        return java.util.Collections.synchronizedList(kept);
    }

    @Test
    void aThousandSocketsFromAHundredAddressesAreAllAdmittedAndOneAddressOverTheCapIsNot() throws Exception {
        int ingressPort = cluster.ingress().port(MAIN);
        List<WebSocket> kept = kept();
        List<Future<Outcome>> crowd = new ArrayList<>();
        for (int a = 1; a <= 100; a++) {
            for (int s = 0; s < CAP; s++) {
                crowd.add(open("127.0.1." + a, ingressPort, Map.of(), kept));
            }
        }
        List<Outcome> outcomes = all(crowd);
        assertThat(outcomes).as("1 000 sockets, 10 per address, through one proxy address")
                .allMatch(Outcome::greeted).hasSize(1000);

        // One address with more sockets than the cap on every pod together: only the excess is refused, with 1013.
        int pods = cluster.pods().size();
        List<Outcome> greedy = all(java.util.stream.IntStream.range(0, CAP * pods + 10)
                .mapToObj(i -> open("127.0.1.200", ingressPort, Map.of(), kept)).toList());
        assertThat(greedy.stream().filter(Outcome::greeted).count()).isLessThanOrEqualTo((long) CAP * pods);
        assertThat(greedy.stream().filter(o -> !o.greeted()))
                .hasSizeGreaterThanOrEqualTo(10).allMatch(o -> Short.valueOf((short) 1013).equals(o.closeCode()));
    }

    @Test
    void forwardedHeadersFromAStrangerChangeNothingAndMangledOnesNeverGiveAServerError() throws Exception {
        PodInfo pod = cluster.pods().get(0);
        int podPort = cluster.port();
        List<WebSocket> kept = kept();
        // Straight to a pod from an address that is not the Ingress, each socket claiming another client.
        List<Outcome> forged = new ArrayList<>();
        for (int i = 0; i <= CAP; i++) {
            forged.add(all(List.of(open("127.0.1.201", pod.ip(), podPort, Map.of("X-Forwarded-For", "198.51.100." + i,
                    "Host", pod.ip() + ":" + podPort), kept))).get(0));
        }
        assertThat(forged.subList(0, CAP)).allMatch(Outcome::greeted);
        assertThat(forged.get(CAP).closeCode()).isEqualTo((short) 1013);
        await().atMost(WAIT).until(() -> cluster.allLogs().contains("is not a trusted proxy"));

        // A page of another origin, whatever forwarded headers come along, through the TLS-terminating host too.
        int tlsPort = cluster.ingress().port(TLS);
        assertThat(all(List.of(open("127.0.1.202", tlsPort, Map.of("Host", "app.example.com",
                "Origin", "https://app.example.com"), kept))).get(0).greeted()).isTrue();
        assertThat(all(List.of(open("127.0.1.202", tlsPort, Map.of("Host", "app.example.com",
                "Origin", "https://evil.example", "X-Forwarded-Host", "evil.example"), kept))).get(0).refusedStatus())
                .isEqualTo(403);
        assertThat(all(List.of(open("127.0.1.203", pod.ip(), podPort, Map.of("Host", pod.ip() + ":" + podPort,
                "Origin", "https://evil.example", "X-Forwarded-Host", "evil.example"), kept))).get(0)
                .refusedStatus()).isEqualTo(403);

        // Whatever a client sends through the Ingress: never a 5xx, for a page, /version or the socket.
        List<Map<String, String>> mangled = List.of(Map.of("X-Forwarded-For", ","),
                Map.of("X-Forwarded-For", "[::1"), Map.of("X-Forwarded-Host", ""), Map.of("X-Forwarded-Host", ":::"),
                Map.of("X-Forwarded-Port", "abc"), Map.of("X-Forwarded-Proto", "gopher"),
                Map.of("X-Forwarded-Prefix", "../.."), Map.of("Forwarded", "for=;;host=\"\""),
                Map.of("X-Real-IP", "not an ip"), Map.of("X-Forwarded-Ssl", "maybe"));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setLocalAddress("127.0.1.204"));
        for (int listener : List.of(MAIN, TLS)) {
            int port = cluster.ingress().port(listener);
            for (Map<String, String> headers : mangled) {
                for (String path : List.of("/", "/version")) {
                    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                            .setPort(port).setURI(path);
                    headers.forEach(request::addHeader);
                    int status = http.request(request).compose(r -> r.send()).map(r -> r.statusCode())
                            .toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(status).as(path + " with " + headers + " via listener " + listener).isLessThan(500);
                }
                Outcome socket = all(List.of(open("127.0.1.205", port, headers, kept))).get(0);
                assertThat(socket.greeted()).as("socket with " + headers + " via listener " + listener + ": " + socket)
                        .isTrue();
                kept.forEach(WebSocket::close);
            }
        }
    }

    @Test
    void socketsIdlePastTheProxysReadTimeoutStayOpenWhileTheServerPings() throws Exception {
        List<WebSocket> kept = kept();
        AtomicInteger mainPings = new AtomicInteger();
        ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        assertThat(all(List.of(open("127.0.1.206", cluster.ingress().port(MAIN), Map.of(), kept))).get(0).greeted())
                .isTrue();
        WebSocket main = kept.get(kept.size() - 1);
        main.frameHandler(frame -> {
            if (frame.type() == WebSocketFrameType.PING) {
                mainPings.incrementAndGet();
            }
        });
        main.closeHandler(v -> events.add("main closed " + main.closeStatusCode()));
        assertThat(all(List.of(open("127.0.1.206", cluster.ingress().port(CUTTING), Map.of(), kept))).get(0)
                .greeted()).isTrue();
        WebSocket cut = kept.get(kept.size() - 1);
        CompletableFuture<Void> cutClosed = new CompletableFuture<>();
        cut.closeHandler(v -> cutClosed.complete(null));

        // The proxy that waits less than a ping interval cuts its socket: the read timeout is real.
        cutClosed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // Four pings (8 s) on the main host, past its 5 s read timeout: still open.
        await().atMost(WAIT).until(() -> mainPings.get() >= 4 || !events.isEmpty());
        assertThat(events).isEmpty();
        assertThat(main.isClosed()).isFalse();
    }
}
