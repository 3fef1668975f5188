package dev.versionobserver.push;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.undertow.websockets.UndertowSession;

/**
 * The TCP channel under a WebSocket session. The Jakarta API exposes neither the peer address, nor the end of the
 * connection, nor a half-close; admission (counting sockets per address until they close), the silent-socket
 * sweep and {@link #closeDraining} need them, and Undertow's session is the one place that has the channel. Every
 * close of a socket goes through here, drained or plain ({@link #close}).
 */
final class SocketChannels {

    private static final Logger LOG = Logger.getLogger(SocketChannels.class);

    /** How long a closed socket may keep draining what the client still sends before the connection is cut. */
    static final Duration CLOSE_LINGER = Duration.ofSeconds(2);

    private SocketChannels() {
    }

    static Optional<Channel> of(Session session) {
        return session instanceof UndertowSession undertow ? Optional.of(undertow.getChannel()) : Optional.empty();
    }

    /** Closes a socket the container's way; a socket already closing or gone is not an error. */
    static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Close of %s failed: %s", session.getId(), e.toString());
        }
    }

    /**
     * Closes a socket whose peer may never answer (silent, or unknown to the registry): the close frame, then the
     * connection cut a second later whether or not the peer acknowledged it.
     */
    static void closeThenCut(Session session, CloseReason reason) {
        close(session, reason);
        of(session).ifPresent(channel -> channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS));
    }

    /**
     * Closes a socket as RFC 6455 (7.1.1) asks of a server: the close frame, then the client closes the TCP
     * connection, while the server keeps reading (and dropping) what the client still sends; after
     * {@link #CLOSE_LINGER} the connection is cut anyway (a peer that vanished or never stops).
     *
     * <p>Not {@code Session.close}: Undertow cuts the connection as soon as the close frame is written, and with
     * the client's frames still unread the kernel answers with a reset, so a client that was still sending (a
     * flooder) may never read the close frame and its code; measured, 95 of 100 flooders saw a reset instead of
     * 1008. Without a channel (another container) it falls back to {@code Session.close}. Used for floods only:
     * other closes happen when the client has nothing in flight, and {@code Session.close} serves them (draining
     * every close was tried and lost a hello now and then; see BENCHMARKS.md section 7).
     */
    static void closeDraining(Session session, CloseReason reason) {
        Channel channel = of(session).orElse(null);
        if (channel == null) {
            close(session, reason);
            return;
        }
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(reason.getCloseCode().getCode(), reason.getReasonPhrase()))
                .addListener(written -> {
                    if (written.isSuccess() && channel instanceof DuplexChannel duplex) {
                        duplex.shutdownOutput(); // FIN after the close frame; reading goes on
                    }
                });
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }
}
