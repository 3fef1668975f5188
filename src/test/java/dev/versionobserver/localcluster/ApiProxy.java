package dev.versionobserver.localcluster;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * An HTTP and WebSocket proxy on 127.0.0.1 between the pods and the API server (the harness talks to the API
 * directly) that reproduces the API faults of a real cluster, with the API server's own semantics:
 * <ul>
 * <li>{@link #cut()}: the network path is gone, every connection closed and new ones refused, until
 * {@link #restore()};</li>
 * <li>{@link #stallWatches(Predicate)}: watch streams stop delivering events; those events are lost;</li>
 * <li>{@link #expireWatches(long, boolean)}: the API server compacted its history up to a resourceVersion. Live
 * watches end, either with the {@code ERROR} event carrying a {@code 410 Gone} Status that kube-apiserver sends,
 * or without an event (as at a watch timeout); a watch that then resumes from an older resourceVersion is answered
 * with that same event ("too old resource version"), as kube-apiserver does. Only a re-list brings a client
 * back.</li>
 * <li>{@link #holdAnswerToNextWrite(String)}: a write lands on the API server but its answer is held back, as on
 * a slow network, until the test lets it go.</li>
 * </ul>
 *
 * <p>Hand-written rather than a library proxy because the faults need to see watch requests and to drop or inject
 * events inside their streams; fabric8's mock server never expires a resourceVersion by itself. A pod's watch may
 * be a WebSocket (fabric8's default) or a streamed HTTP response (its fallback); upstream it is always a WebSocket,
 * the only kind of watch the mock serves.
 */
final class ApiProxy implements AutoCloseable {

    /** Request headers that belong to one hop (or to the WebSocket handshake) and are not forwarded. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "upgrade", "host",
            "transfer-encoding", "content-length", "te", "trailer", "proxy-connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol");

    /** No request to the embedded API server takes this long; beyond it the pod gets a 502, never a hang. */
    private static final long UPSTREAM_TIMEOUT_MS = 10_000;

    private final Vertx vertx = Vertx.vertx();
    private final String upstreamHost;
    private final int upstreamPort;
    private final HttpServer server;
    private final HttpClient http;
    private final WebSocketClient webSockets;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<LiveWatch> watches = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> lists = new ConcurrentHashMap<>();
    /** Every list or watch of pods, as "client fieldSelector" (the selector "none" when absent). */
    private final Set<String> podQueries = ConcurrentHashMap.newKeySet();
    private final AtomicInteger goneAnswers = new AtomicInteger();
    private volatile boolean cut;
    private volatile Predicate<String> stalled = path -> false;
    /** Watches from a resourceVersion below this are answered 410 Gone; 0: nothing compacted yet. */
    private volatile long compactedBelow;
    private final AtomicReference<HeldAnswer> nextHeld = new AtomicReference<>();

    ApiProxy(String upstreamUrl) throws Exception {
        URI upstream = URI.create(upstreamUrl);
        if (!"http".equals(upstream.getScheme())) {
            throw new IllegalArgumentException("the API proxy speaks plain HTTP to the embedded API server, not "
                    + upstreamUrl);
        }
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort();
        // A pool per pod would be closer to reality; a large shared one at least never queues a pod behind others.
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64));
        this.webSockets = vertx.createWebSocketClient();
        this.server = vertx.createHttpServer().connectionHandler(connection -> {
            if (cut) {
                connection.close();
                return;
            }
            connections.add(connection);
            connection.closeHandler(v -> connections.remove(connection));
        }).webSocketHandler(this::handleWebSocket).requestHandler(this::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Closes every connection, watches included, and refuses new ones until {@link #restore()}. */
    void cut() {
        cut = true;
        connections.forEach(HttpConnection::close); // upgraded ones too: every watch ends with its connection
    }

    void restore() {
        cut = false;
    }

    /** From now on, events on watches whose path matches are swallowed (until {@link #expireWatches}). */
    void stallWatches(Predicate<String> path) {
        stalled = path;
    }

    /**
     * Compacts the history below {@code resourceVersion}: ends every live watch (with an ERROR 410 event if
     * {@code announce}, else without an event, as at a watch timeout) and lifts any stall. Returns how many
     * watches ended.
     */
    int expireWatches(long resourceVersion, boolean announce) {
        compactedBelow = resourceVersion;
        stalled = path -> false;
        int ended = 0;
        for (LiveWatch watch : List.copyOf(watches)) {
            if (watches.remove(watch)) {
                vertx.runOnContext(v -> watch.end(announce));
                ended++;
            }
        }
        return ended;
    }

    /** How many watches were told 410 Gone (live ones when announced, and resumptions from too old a version). */
    int goneAnswers() {
        return goneAnswers.get();
    }

    /**
     * The next PUT whose body contains {@code bodyMarker} and that the API server accepts is forwarded at once, so
     * it lands, but its answer reaches the pod only on {@link HeldAnswer#release()}. Refused ones pass unheld.
     */
    HeldAnswer holdAnswerToNextWrite(String bodyMarker) {
        HeldAnswer held = new HeldAnswer(bodyMarker);
        nextHeld.set(held);
        return held;
    }

    /** A write whose answer the proxy holds back. */
    static final class HeldAnswer {
        private final String bodyMarker;
        private final CompletableFuture<Void> landed = new CompletableFuture<>();
        private final CompletableFuture<Void> released = new CompletableFuture<>();

        private HeldAnswer(String bodyMarker) {
            this.bodyMarker = bodyMarker;
        }

        /** Whether the write has been accepted by the API server (200). */
        boolean landed() {
            return landed.isDone();
        }

        /** Lets the answer go to the pod. */
        void release() {
            released.complete(null);
        }
    }

    /** Takes the armed hold if this request is the write it waits for. */
    private HeldAnswer heldFor(HttpMethod method, Buffer body) {
        HeldAnswer held = nextHeld.get();
        if (held == null || method != HttpMethod.PUT || !body.toString().contains(held.bodyMarker)) {
            return null;
        }
        return nextHeld.compareAndSet(held, null) ? held : null;
    }

    /** How many list requests (GET of a collection, not a watch) reached a path ending in {@code /resource}. */
    long lists(String resource) {
        return lists.entrySet().stream().filter(e -> e.getKey().endsWith("/" + resource))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /**
     * The same, from one client: the one whose requests carry {@code Impersonate-User: client} (the harness
     * gives each pod its own name there, see LocalCluster; the mock API server ignores the header).
     */
    long lists(String client, String resource) {
        return lists.entrySet().stream().filter(e -> e.getKey().startsWith(client + " ")
                && e.getKey().endsWith("/" + resource)).mapToLong(e -> e.getValue().sum()).sum();
    }

    /** What the pods asked of the pods resource, as "client fieldSelector" ("none" without a selector). */
    Set<String> podQueries() {
        return java.util.Set.copyOf(podQueries);
    }

    /** Plain requests, and watches streamed over HTTP. */
    private void handle(HttpServerRequest request) {
        if (cut) {
            request.connection().close();
            return;
        }
        if (request.path().endsWith("/pods")) {
            String selector = request.getParam("fieldSelector");
            podQueries.add(request.getHeader("Impersonate-User") + " " + (selector == null ? "none" : selector));
        }
        if (!"true".equals(request.getParam("watch"))) {
            if (request.method() == HttpMethod.GET) {
                lists.computeIfAbsent(request.getHeader("Impersonate-User") + " " + request.path(),
                        p -> new LongAdder()).increment();
            }
            proxyHttp(request);
            return;
        }
        HttpServerResponse response = request.response();
        StreamedWatch stream = new StreamedWatch(request);
        String from = request.getParam("resourceVersion");
        if (tooOld(from)) {
            response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            stream.end(goneEvent(from));
            return;
        }
        connectUpstream(request.uri(), request.headers()).onComplete(connected -> {
            if (connected.failed()) {
                response.setStatusCode(upstreamStatus(connected.cause())).end();
                return;
            }
            response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            response.writeHead();
            relayWatch(request.path(), connected.result(), stream);
        });
    }

    /**
     * WebSocket upgrades: watches only (the pods use no exec, attach or port-forward). The handshake with the pod
     * completes only once the upstream watch is open, or is rejected with the status upstream gave.
     */
    private void handleWebSocket(ServerWebSocket socket) {
        Map<String, List<String>> query = new QueryStringDecoder(socket.uri()).parameters();
        if (cut || !List.of("true").equals(query.get("watch"))) {
            socket.reject(cut ? 503 : 400);
            return;
        }
        String from = query.getOrDefault("resourceVersion", List.of()).stream().findFirst().orElse(null);
        SocketWatch stream = new SocketWatch(socket);
        if (tooOld(from)) {
            socket.accept();
            stream.end(goneEvent(from));
            return;
        }
        Promise<Integer> handshake = Promise.promise();
        socket.setHandshake(handshake.future());
        connectUpstream(socket.uri(), socket.headers()).onComplete(connected -> {
            if (connected.failed()) {
                handshake.complete(upstreamStatus(connected.cause()));
                return;
            }
            handshake.complete(101);
            relayWatch(socket.path(), connected.result(), stream);
        });
    }

    /** Upstream, every watch is a WebSocket: the mock API server serves no other kind. */
    private Future<WebSocket> connectUpstream(String uri, MultiMap headers) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(upstreamHost).setPort(upstreamPort)
                .setURI(uri).setTimeout(UPSTREAM_TIMEOUT_MS);
        copyHeaders(headers, options::addHeader);
        return webSockets.connect(options);
    }

    private static int upstreamStatus(Throwable failure) {
        return failure instanceof UpgradeRejectedException rejected ? rejected.getStatus() : 502;
    }

    /** A resourceVersion the API server no longer has. "0" and none mean "any", and are never too old. */
    private boolean tooOld(String resourceVersion) {
        if (resourceVersion == null || resourceVersion.isEmpty() || "0".equals(resourceVersion)) {
            return false;
        }
        try {
            return Long.parseLong(resourceVersion) < compactedBelow;
        } catch (NumberFormatException e) {
            return false; // opaque versions cannot be ordered: treated as current
        }
    }

    /** The ERROR event kube-apiserver sends on a watch whose resourceVersion (null: unknown) was compacted. */
    private String goneEvent(String resourceVersion) {
        goneAnswers.incrementAndGet();
        String message = resourceVersion == null ? "The resourceVersion for the provided watch is too old."
                : "too old resource version: " + resourceVersion + " (" + compactedBelow + ")";
        return "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"" + message + "\",\"reason\":\"Expired\",\"code\":410}}";
    }

    private static void copyHeaders(MultiMap from, BiConsumer<String, String> to) {
        from.forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                to.accept(name, value);
            }
        });
    }

    /** A watch delivered over the pod's WebSocket. */
    private static final class SocketWatch implements WatchStream {
        private final ServerWebSocket socket;

        SocketWatch(ServerWebSocket socket) {
            this.socket = socket;
        }

        @Override
        public void deliver(String event) {
            socket.writeTextMessage(event);
        }

        @Override
        public void end(String lastEvent) {
            if (lastEvent == null) {
                socket.close();
            } else {
                socket.writeTextMessage(lastEvent).onComplete(v -> socket.close());
            }
        }

        @Override
        public void onClose(Runnable action) {
            socket.closeHandler(v -> action.run());
        }
    }

    /** A watch delivered as a streamed HTTP response, one JSON document per line (fabric8's fallback). */
    private static final class StreamedWatch implements WatchStream {
        private final HttpServerResponse response;

        StreamedWatch(HttpServerRequest request) {
            this.response = request.response();
        }

        @Override
        public void deliver(String event) {
            response.write(event + "\n");
        }

        @Override
        public void end(String lastEvent) {
            if (!response.ended()) {
                response.end(lastEvent == null ? "" : lastEvent + "\n");
            }
        }

        @Override
        public void onClose(Runnable action) {
            response.closeHandler(v -> action.run());
        }
    }

    /** Relays the events of one watch, unless stalled, until either side closes or the next expiry ends it. */
    private void relayWatch(String path, WebSocket upstream, WatchStream watcher) {
        LiveWatch live = announce -> {
            watcher.end(announce ? goneEvent(null) : null);
            upstream.close();
        };
        watches.add(live);
        upstream.textMessageHandler(event -> {
            if (watches.contains(live) && !stalled.test(path)) {
                watcher.deliver(event);
            }
        });
        upstream.closeHandler(v -> {
            watches.remove(live);
            watcher.end(null);
        });
        watcher.onClose(() -> {
            watches.remove(live);
            upstream.close();
        });
    }

    private void proxyHttp(HttpServerRequest request) {
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(upstreamHost)
                .setPort(upstreamPort).setURI(request.uri()).setTimeout(UPSTREAM_TIMEOUT_MS);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copyHeaders(request.headers(), headers::add);
        options.setHeaders(headers);
        HttpServerResponse response = request.response();
        request.body().onComplete(read -> {
            if (read.failed()) {
                response.setStatusCode(502).end();
                return;
            }
            HeldAnswer held = heldFor(request.method(), read.result());
            http.request(options).compose(outbound -> outbound.send(read.result())).onComplete(answered -> {
                if (answered.failed()) {
                    response.setStatusCode(502).end();
                } else if (held == null) {
                    relay(request, answered.result());
                } else {
                    relayHeld(request, answered.result(), held);
                }
            });
        });
    }

    /** The answer to a held write: relayed once released if the write landed, at once if it was refused. */
    private void relayHeld(HttpServerRequest request, HttpClientResponse inbound, HeldAnswer held) {
        if (inbound.statusCode() != 200) {
            // Refused (a 409 when the Lease changed under the writer): the hold waits for the write that lands.
            nextHeld.compareAndSet(null, held);
            relay(request, inbound);
            return;
        }
        HttpServerResponse response = request.response();
        inbound.body().onComplete(body -> {
            held.landed.complete(null);
            held.released.whenComplete((v, e) -> {
                if (body.failed()) {
                    response.setStatusCode(502).end();
                    return;
                }
                response.setStatusCode(inbound.statusCode());
                copyHeaders(inbound.headers(), response.headers()::add);
                response.end(body.result());
            });
        });
    }

    private static void relay(HttpServerRequest request, HttpClientResponse inbound) {
        HttpServerResponse response = request.response().setStatusCode(inbound.statusCode());
        copyHeaders(inbound.headers(), response.headers()::add);
        String length = inbound.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, length);
        } else {
            response.setChunked(true);
        }
        inbound.pipeTo(response);
    }

    /** The pod's side of a watch. */
    private interface WatchStream {
        void deliver(String event);

        /** Ends the stream, after {@code lastEvent} if there is one. */
        void end(String lastEvent);

        void onClose(Runnable action);
    }

    /** A watch stream in progress, which the next expiry ends. */
    @FunctionalInterface
    private interface LiveWatch {
        void end(boolean announce);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
