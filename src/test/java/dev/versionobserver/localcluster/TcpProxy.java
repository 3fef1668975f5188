package dev.versionobserver.localcluster;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP proxy on 127.0.0.1 that sends each new connection to the host its chooser names (none: refused). It stands
 * in for a Service's virtual IP: kube-proxy, choosing among ready endpoints. (The pods' path to the API server,
 * which faults need to see into, is {@link ApiProxy}.)
 */
final class TcpProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final NetClient client;

    TcpProxy(Supplier<String> chooseHost, int targetPort) throws Exception {
        client = vertx.createNetClient();
        server = vertx.createNetServer().connectHandler(inbound -> {
            String host = chooseHost.get();
            if (host == null) {
                inbound.close(); // no endpoint: connection refused, as with an empty Service
                return;
            }
            inbound.pause();
            client.connect(targetPort, host).onComplete(result -> {
                if (result.failed()) {
                    inbound.close();
                    return;
                }
                NetSocket outbound = result.result();
                inbound.closeHandler(v -> outbound.close());
                outbound.closeHandler(v -> inbound.close());
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

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
