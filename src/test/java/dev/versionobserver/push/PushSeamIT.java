package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.Prometheus;
import dev.versionobserver.support.RawWebSocket;
import dev.versionobserver.support.ServiceProcess;

/**
 * What rests on {@link SocketChannels}, the one class that reaches into the WebSocket container, proven on the
 * packaged jar (a container upgrade that moved what it reaches would fail here, not only in {@code @QuarkusTest}s):
 * the caps count connections until they end, and a connection whose close cannot reach its peer is cut.
 */
class PushSeamIT {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PATH = "/version/ws?v=1.0.0";

    @Test
    void capsCountConnectionsPerAddressAndPodWideAndASlotComesBackWhenItsConnectionEnds() throws Exception {
        int port = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", port, ServiceProcess.env(
                "OBSERVER_PUSH_MAX_CONNECTIONS", "3", "OBSERVER_PUSH_MAX_CONNECTIONS_PER_ADDRESS", "2"))
                .awaitReady(READY);
                RawWebSocket first = greeted(RawWebSocket.connect("127.0.0.1", "127.0.0.1", port, PATH));
                RawWebSocket second = greeted(RawWebSocket.connect("127.0.0.1", "127.0.0.1", port, PATH));
                RawWebSocket thirdFromSameAddress = RawWebSocket.connect("127.0.0.1", "127.0.0.1", port, PATH);
                RawWebSocket fromAnother = greeted(RawWebSocket.connect("127.0.0.2", "127.0.0.1", port, PATH))) {
            assertClosedWith(thirdFromSameAddress, SocketClose.TOO_MANY_FROM_ADDRESS);
            try (RawWebSocket overPodCap = RawWebSocket.connect("127.0.0.3", "127.0.0.1", port, PATH)) {
                assertClosedWith(overPodCap, SocketClose.TOO_MANY_CONNECTIONS);
            }
            assertThat(connections(service)).isEqualTo(3.0);

            // Ended like a killed tab: no close frame, so only the end of the TCP connection gives the slot back.
            first.close();
            await().atMost(WAIT).until(() -> connections(service) == 2.0);
            try (RawWebSocket again = greeted(RawWebSocket.connect("127.0.0.1", "127.0.0.1", port, PATH))) {
                assertThat(connections(service)).isEqualTo(3.0);
            }
        }
    }

    @Test
    void aConnectionWhoseCloseIsStuckBehindAPeerThatStoppedReadingIsCut() throws Exception {
        int port = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start("127.0.0.1", port,
                ServiceProcess.env("OBSERVER_PUSH_PING_INTERVAL", "300ms")).awaitReady(READY);
                RawWebSocket stuck = RawWebSocket.connect("127.0.0.1", "127.0.0.1", port, PATH, 2048)) {
            assertThat(stuck.responseHead()).startsWith("HTTP/1.1 101");
            // The peer stops reading and makes the server write: every ping is answered with a pong of the same
            // 125 bytes, which fill its small receive window and then the server's send buffers (bounded: ~6 MB).
            byte[] ping = new byte[125];
            for (int i = 0; i < 50_000; i++) {
                stuck.send(RawWebSocket.PING, ping);
            }
            // Then a message the server closes for (1009): that close frame queues behind the unread pongs.
            byte[] tooBig = new byte[300];
            Arrays.fill(tooBig, (byte) 'x');
            stuck.send(RawWebSocket.TEXT, tooBig);

            // Without the cut, the connection would stay until the 90 s idle timeout: the peer never reads.
            await().atMost(WAIT).until(() -> connections(service) == 0.0);
            RawWebSocket.Frame close = stuck.readUntilEnd(WAIT);
            assertThat(close).as("the close frame never got through: the connection was cut").isNull();
            assertThat(service.isAlive()).isTrue();
        }
    }

    private static RawWebSocket greeted(RawWebSocket socket) throws Exception {
        assertThat(socket.responseHead()).startsWith("HTTP/1.1 101");
        RawWebSocket.Frame hello = socket.nextSkippingPings();
        assertThat(hello.opcode()).isEqualTo(RawWebSocket.TEXT);
        assertThat(hello.text()).contains("\"type\":\"hello\"");
        return socket;
    }

    private static void assertClosedWith(RawWebSocket socket, SocketClose expected) throws Exception {
        assertThat(socket.responseHead()).startsWith("HTTP/1.1 101");
        RawWebSocket.Frame frame = socket.nextSkippingPings();
        assertThat(frame.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(frame.closeCode()).isEqualTo(expected.code());
        assertThat(frame.text()).isEqualTo(expected.phrase());
    }

    private static double connections(ServiceProcess service) throws Exception {
        return Prometheus.sample(Prometheus.scrape(service.baseUrl()), "version_observer_websocket_connections");
    }
}
