package dev.versionobserver.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A lightweight stand-in for a peer pod: answers {@code /version} on a loopback address the way it is told to
 * (a version, garbage, an error, a huge body, never) and counts the requests it received.
 */
public final class StandInPeer implements AutoCloseable {

    public enum Behaviour {
        VERSION, GARBAGE, ERROR_500, HUGE_BODY, HANG, TRICKLE
    }

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final String ip;
    private volatile Behaviour behaviour;
    private volatile String version;

    private StandInPeer(Vertx vertx, String ip, int port, Behaviour behaviour, String version) throws Exception {
        this.ip = ip;
        this.behaviour = behaviour;
        this.version = version;
        this.server = vertx.createHttpServer().requestHandler(request -> {
            if (!"/version".equals(request.path())) {
                request.response().setStatusCode(404).end();
                return;
            }
            requests.incrementAndGet();
            switch (this.behaviour) {
                case VERSION -> request.response().putHeader("Content-Type", "application/json")
                        .end("{\"version\":\"" + this.version + "\",\"pod\":\"stand-in\",\"startedAt\":\"x\"}");
                case GARBAGE -> request.response().putHeader("Content-Type", "text/html")
                        .end("<html>definitely not a version</html>");
                case ERROR_500 -> request.response().setStatusCode(500).end("{\"error\":\"boom\"}");
                case HUGE_BODY -> {
                    var response = request.response().setChunked(true);
                    String chunk = "x".repeat(64 * 1024);
                    // 64 MiB if the client read it all; a bounded client resets long before.
                    for (int i = 0; i < 1024 && !response.closed(); i++) {
                        response.write(chunk);
                    }
                    response.end();
                }
                case HANG -> {
                    // Never answer; the connection stays open until the client gives up.
                }
                case TRICKLE -> {
                    var response = request.response().setChunked(true);
                    response.write("{\"version\":");
                    long timer = vertx.setPeriodic(200, id -> {
                        if (response.closed()) {
                            vertx.cancelTimer(id);
                        } else {
                            response.write(" ");
                        }
                    });
                    response.closeHandler(v -> vertx.cancelTimer(timer));
                }
            }
        });
        server.listen(port, ip).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static StandInPeer start(Vertx vertx, String ip, String version) throws Exception {
        return new StandInPeer(vertx, ip, 0, Behaviour.VERSION, version);
    }

    /** On a given port: many stand-ins on one port and distinct addresses, as the pods of one Deployment. */
    public static StandInPeer start(Vertx vertx, String ip, int port, String version) throws Exception {
        return new StandInPeer(vertx, ip, port, Behaviour.VERSION, version);
    }

    public static StandInPeer start(Vertx vertx, String ip, Behaviour behaviour) throws Exception {
        return new StandInPeer(vertx, ip, 0, behaviour, "0.0.0");
    }

    public String ip() {
        return ip;
    }

    public int port() {
        return server.actualPort();
    }

    public int requests() {
        return requests.get();
    }

    public void behave(Behaviour behaviour, String version) {
        this.behaviour = behaviour;
        this.version = version;
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
