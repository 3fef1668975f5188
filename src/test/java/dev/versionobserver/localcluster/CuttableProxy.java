package dev.versionobserver.localcluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP proxy on loopback between the pods and the API server that can be cut (every connection closed, new ones
 * refused) and restored: an API server outage as the pods see it.
 */
final class CuttableProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final NetClient client;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    CuttableProxy(String targetHost, int targetPort) throws Exception {
        client = vertx.createNetClient();
        server = vertx.createNetServer().connectHandler(inbound -> {
            if (cut) {
                inbound.close();
                return;
            }
            inbound.pause();
            client.connect(targetPort, targetHost).onComplete(result -> {
                if (result.failed() || cut) {
                    inbound.close();
                    return;
                }
                NetSocket outbound = result.result();
                open.add(inbound);
                open.add(outbound);
                inbound.closeHandler(v -> {
                    open.remove(inbound);
                    outbound.close();
                });
                outbound.closeHandler(v -> {
                    open.remove(outbound);
                    inbound.close();
                });
                inbound.pipeTo(outbound);
                outbound.pipeTo(inbound);
                inbound.resume();
            });
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    void cut() {
        cut = true;
        open.forEach(NetSocket::close);
    }

    void restore() {
        cut = false;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
