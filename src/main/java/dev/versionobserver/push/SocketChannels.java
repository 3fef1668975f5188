package dev.versionobserver.push;

import java.util.Optional;

import jakarta.websocket.Session;

import io.netty.channel.Channel;
import io.undertow.websockets.UndertowSession;

/**
 * The TCP channel under a WebSocket session. The Jakarta API exposes neither the peer address nor the end of the
 * connection, and both admission (counting sockets per address until they close) and the silent-socket sweep
 * (closing a half-open connection) need them; Undertow's session is the one place that has the channel.
 */
final class SocketChannels {

    private SocketChannels() {
    }

    static Optional<Channel> of(Session session) {
        return session instanceof UndertowSession undertow ? Optional.of(undertow.getChannel()) : Optional.empty();
    }
}
