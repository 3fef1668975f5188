package dev.versionobserver.localcluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP proxy on 127.0.0.1 that sends each new connection to the host its chooser names (none: refused), and
 * can be cut (every connection closed, new ones refused) and restored. It stands in for a Service's virtual IP
 * (kube-proxy, choosing among ready endpoints) and for the network path to the API server (cut: an outage).
 */
final class TcpProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final NetClient client;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    TcpProxy(Supplier<String> chooseHost, int targetPort) throws Exception {
        client = vertx.createNetClient();
        server = vertx.createNetServer().connectHandler(inbound -> {
            String host = cut ? null : chooseHost.get();
            if (host == null) {
                inbound.close(); // no endpoint: connection refused, as with an empty Service
                return;
            }
            inbound.pause();
            client.connect(targetPort, host).onComplete(result -> {
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

    String url() {
        return "http://127.0.0.1:" + port();
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
