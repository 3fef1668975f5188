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

    @Test
    void aSocketThatNeverAnswersPingsIsClosed() throws Exception {
        int port = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", port,
                ServiceProcess.env("OBSERVER_PUSH_PING_INTERVAL", "200ms")).awaitReady(Duration.ofSeconds(60));
                java.net.Socket raw = new java.net.Socket("127.0.0.1", port)) {
            // A hand-made handshake, then silence: no pong, no close, like a peer whose network vanished.
            raw.getOutputStream().write(("GET /version/ws?v=1.0.0 HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            raw.setSoTimeout(20_000);
            java.io.InputStream in = raw.getInputStream();
            boolean closeFrameOrEof = false;
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                int n = in.read(buffer);
                if (n < 0) {
                    closeFrameOrEof = true;
                    break;
                }
                if (containsCloseFrame(buffer, n)) {
                    closeFrameOrEof = true;
                    break;
                }
            }
            assertThat(closeFrameOrEof).as("server closed the silent socket").isTrue();
        }
    }

    /** Whether a server frame with opcode 0x8 (close) starts anywhere in the bytes read. */
    private static boolean containsCloseFrame(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if ((bytes[i] & 0xff) == 0x88) {
                return true;
            }
        }
        return false;
    }
}
