package dev.versionobserver.localcluster;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
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
 * watches end, either with the {@code ERROR} event carrying a {@code 410 Gone} Status that kube-apiserver sends, or
 * by a dropped connection; a watch that then resumes from an older resourceVersion is answered with that same
 * event ("too old resource version"), as kube-apiserver does. Only a re-list brings a client back.</li>
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

    private final Vertx vertx = Vertx.vertx();
    private final String upstreamHost;
    private final int upstreamPort;
    private final HttpServer server;
    private final HttpClient http;
    private final WebSocketClient webSockets;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<LiveWatch> watches = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> lists = new ConcurrentHashMap<>();
    private final AtomicInteger goneAnswers = new AtomicInteger();
    private volatile boolean cut;
    private volatile Predicate<String> stalled = path -> false;
    /** Watches from a resourceVersion below this are answered 410 Gone; 0: nothing compacted yet. */
    private volatile long compactedBelow;

    ApiProxy(String upstreamUrl) throws Exception {
        URI upstream = URI.create(upstreamUrl);
        if (!"http".equals(upstream.getScheme())) {
            throw new IllegalArgumentException("the API proxy speaks plain HTTP to the embedded API server, not "
                    + upstreamUrl);
        }
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort();
        this.http = vertx.createHttpClient();
        this.webSockets = vertx.createWebSocketClient();
        this.server = vertx.createHttpServer().connectionHandler(connection -> {
            if (cut) {
                connection.close();
                return;
            }
            connections.add(connection);
            connection.closeHandler(v -> connections.remove(connection));
        }).requestHandler(this::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    void cut() {
        cut = true;
        connections.forEach(HttpConnection::close);
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
     * {@code announce}, else by dropping its connection) and lifts any stall. Returns how many watches ended.
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

    /** How many list requests (GET of a collection, not a watch) reached a path ending in {@code /resource}. */
    long lists(String resource) {
        return lists.entrySet().stream().filter(e -> e.getKey().endsWith("/" + resource))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    private void handle(HttpServerRequest request) {
        if (cut) {
            request.connection().close();
            return;
        }
        boolean webSocket = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
        if (!"true".equals(request.getParam("watch"))) {
            if (webSocket) {
                // The pods use WebSockets for watches only (no exec, attach or port-forward).
                request.response().setStatusCode(400).end("ApiProxy carries WebSockets for watches only\n");
                return;
            }
            if (request.method() == HttpMethod.GET) {
                lists.computeIfAbsent(request.path(), p -> new LongAdder()).increment();
            }
            proxyHttp(request);
            return;
        }
        if (tooOld(request.getParam("resourceVersion"))) {
            downstream(request, webSocket).onSuccess(
                    watcher -> watcher.end(goneEvent(request.getParam("resourceVersion"))));
            return;
        }
        // Upstream, every watch is a WebSocket: the mock API server serves no other kind. Downstream it is what
        // the pod asked for, a WebSocket (fabric8's default) or a streamed HTTP response (its fallback).
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(upstreamHost).setPort(upstreamPort)
                .setURI(request.uri());
        copyHeaders(request.headers(), options::addHeader);
        request.pause();
        webSockets.connect(options).onComplete(connected -> {
            if (connected.failed()) {
                if (connected.cause() instanceof UpgradeRejectedException rejected) {
                    request.response().setStatusCode(rejected.getStatus())
                            .end(rejected.getBody() == null ? Buffer.buffer() : rejected.getBody());
                } else {
                    request.response().setStatusCode(502).end();
                }
                return;
            }
            WebSocket upstream = connected.result();
            downstream(request, webSocket).onComplete(accepted -> {
                if (accepted.failed()) {
                    upstream.close();
                } else {
                    relayWatch(request.path(), request.connection(), upstream, accepted.result());
                }
            });
        });
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

    /** Opens the pod's side of a watch: the WebSocket handshake, or the head of a streamed 200 response. */
    private static Future<WatchStream> downstream(HttpServerRequest request, boolean webSocket) {
        if (webSocket) {
            return request.toWebSocket().map(socket -> new WatchStream() {
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
            });
        }
        HttpServerResponse response = request.response().setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        return response.writeHead().map(v -> new WatchStream() {
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
                response.closeHandler(x -> action.run());
            }
        });
    }

    /** Relays the events of one watch, unless stalled, until either side closes or the next expiry ends it. */
    private void relayWatch(String path, HttpConnection connection, WebSocket upstream, WatchStream watcher) {
        LiveWatch live = announce -> {
            if (announce) {
                watcher.end(goneEvent(null));
            } else {
                connection.close();
            }
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
                .setPort(upstreamPort).setURI(request.uri());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copyHeaders(request.headers(), headers::add);
        options.setHeaders(headers);
        HttpServerResponse response = request.response();
        request.body()
                .compose(body -> http.request(options).compose(outbound -> outbound.send(body)))
                .onComplete(answered -> {
                    if (answered.failed()) {
                        response.setStatusCode(502).end();
                    } else {
                        relay(request, answered.result());
                    }
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
