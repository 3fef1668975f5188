package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    void aSocketThatNeverAnswersPingsIsClosedWithGoingAwayAfterThreeIntervals() throws Exception {
        Duration interval = Duration.ofMillis(200);
        int port = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", port,
                ServiceProcess.env("OBSERVER_PUSH_PING_INTERVAL", interval.toMillis() + "ms"))
                .awaitReady(Duration.ofSeconds(60));
                Socket raw = new Socket("127.0.0.1", port)) {
            // A hand-made handshake, then silence: no pong, no close, like a peer whose network vanished.
            raw.getOutputStream().write(("GET /version/ws?v=1.0.0 HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            raw.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(raw.getInputStream());
            String head = responseHead(in);
            long upgraded = System.nanoTime();
            assertThat(head).as("handshake answer").startsWith("HTTP/1.1 101");

            // Then frame by frame (server frames are unmasked): pings, the hello, and finally the close.
            int pings = 0;
            int closeCode = -1;
            String closePhrase = null;
            while (closeCode < 0) {
                int opcode = in.readUnsignedByte() & 0x0f;
                byte[] payload = new byte[payloadLength(in)];
                in.readFully(payload);
                if (opcode == 0x9) {
                    pings++;
                } else if (opcode == 0x8) {
                    closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                    closePhrase = payload.length > 2 ? new String(payload, 2, payload.length - 2,
                            java.nio.charset.StandardCharsets.UTF_8) : "";
                }
            }
            long closedAfterMillis = Duration.ofNanos(System.nanoTime() - upgraded).toMillis();
            assertThat(closeCode).as("close code").isEqualTo(SocketClose.NO_PONG.code());
            assertThat(closePhrase).as("close reason").isEqualTo(SocketClose.NO_PONG.phrase());
            // Closed by the sweep after three silent intervals: every tick before that pinged it.
            assertThat(pings).as("pings before the close").isGreaterThanOrEqualTo(3);
            assertThat(closedAfterMillis).as("ms from the 101 to the close")
                    .isGreaterThanOrEqualTo(2 * interval.toMillis());
        }
    }

    /** The HTTP response head, up to and excluding the blank line. */
    private static String responseHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString().strip();
    }

    /** RFC 6455 5.2 payload length of an unmasked frame whose first byte was read. */
    private static int payloadLength(DataInputStream in) throws IOException {
        int length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            return in.readUnsignedShort();
        }
        if (length == 127) {
            return (int) in.readLong();
        }
        return length;
    }
}
