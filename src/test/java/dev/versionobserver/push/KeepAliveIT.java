package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.ServiceProcess;

/** The server pings idle sockets so proxies keep them open; standalone mode says so once in the log. */
class KeepAliveIT {

    @Test
    void idleSocketsArePingedAtTheConfiguredInterval() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(),
                ServiceProcess.env("OBSERVER_PUSH_PING_INTERVAL", "200ms")).awaitReady(Duration.ofSeconds(60))) {
            AtomicInteger pings = new AtomicInteger();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(service.socketUri("1.0.0"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                            pings.incrementAndGet();
                            return WebSocket.Listener.super.onPing(webSocket, message);
                        }
                    }).get();
            await().atMost(Duration.ofSeconds(20)).until(() -> pings.get() >= 3);
            socket.abort();

            String log = service.output();
            assertThat(log.split("Running standalone", -1)).as("said once").hasSize(2);
        }
    }
}
