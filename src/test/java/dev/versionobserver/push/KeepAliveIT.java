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

import dev.versionobserver.support.RawWebSocket;
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

    @Test
    void aSocketThatNeverAnswersPingsIsClosedWithGoingAwayAfterThreeIntervals() throws Exception {
        Duration interval = Duration.ofMillis(200);
        int port = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", port,
                ServiceProcess.env("OBSERVER_PUSH_PING_INTERVAL", interval.toMillis() + "ms"))
                .awaitReady(Duration.ofSeconds(60));
                // A hand-made handshake, then silence: no pong, no close, like a peer whose network vanished.
                RawWebSocket raw = RawWebSocket.connect(null, "127.0.0.1", port, "/version/ws?v=1.0.0")) {
            long upgraded = System.nanoTime();
            assertThat(raw.responseHead()).as("handshake answer").startsWith("HTTP/1.1 101");

            // Then frame by frame: pings, the hello, and finally the close.
            int pings = 0;
            RawWebSocket.Frame frame;
            while ((frame = raw.next()).opcode() != RawWebSocket.CLOSE) {
                pings += frame.opcode() == RawWebSocket.PING ? 1 : 0;
            }
            long closedAfterMillis = Duration.ofNanos(System.nanoTime() - upgraded).toMillis();
            assertThat(frame.closeCode()).as("close code").isEqualTo(SocketClose.NO_PONG.code());
            assertThat(frame.text()).as("close reason").isEqualTo(SocketClose.NO_PONG.phrase());
            // Closed by the sweep after three silent intervals: every tick before that pinged it.
            assertThat(pings).as("pings before the close").isGreaterThanOrEqualTo(3);
            assertThat(closedAfterMillis).as("ms from the 101 to the close")
                    .isGreaterThanOrEqualTo(2 * interval.toMillis());
            // The peer never answers the close either: the server ends the connection itself.
            raw.readUntilEnd(Duration.ofSeconds(10));
        }
    }
}
