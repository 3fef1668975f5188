package dev.versionobserver.localcluster;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * The Service's virtual IP, as kube-proxy provides it: a TCP proxy on 127.0.0.1 that sends each new connection
 * to one of the ready endpoints (round robin). Pages are loaded through it, so a page whose pod dies reconnects
 * its WebSocket to another pod, exactly as behind a real Service.
 */
final class ServiceProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final NetClient client;
    private final AtomicInteger next = new AtomicInteger();

    ServiceProxy(int targetPort, Supplier<List<String>> readyIps) throws Exception {
        client = vertx.createNetClient();
        server = vertx.createNetServer().connectHandler(inbound -> {
            List<String> ips = readyIps.get();
            if (ips.isEmpty()) {
                inbound.close(); // no endpoints: connection refused, as with an empty Service
                return;
            }
            String ip = ips.get(Math.floorMod(next.getAndIncrement(), ips.size()));
            inbound.pause();
            client.connect(targetPort, ip).onComplete(result -> {
                if (result.failed()) {
                    inbound.close();
                    return;
                }
                NetSocket outbound = result.result();
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
