package dev.versionobserver.push;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.Startup;
import io.undertow.websockets.UndertowSession;

/**
 * The push stack's one seam onto the WebSocket container: the only class in {@code src/main} that touches Undertow
 * or Netty (PackageDependenciesTest holds that). The Jakarta API exposes neither the peer address, nor the end of
 * the TCP connection, nor a way to cut or half-close it; admission (caps per address, counted until the connection
 * ends), the silent-socket and orphan sweeps and {@link #closeDraining} need them, and Undertow's session is the
 * one place that has the connection. Why Undertow and not {@code quarkus-websockets-next}, which has these as API:
 * BENCHMARKS.md section 4b (a bare websockets-next socket keeps 7.2 KiB of heap against the 6 KiB bound).
 *
 * <p>Guarantee: the access either works or the service says so loudly. The bean is created at start-up and
 * refuses to start (naming the class and method) when the container no longer offers it; a socket whose session
 * is not Undertow's anyway is refused with 1011 and one ERROR line, never admitted uncounted.
 */
@Startup
@Singleton
public class SocketChannels {

    private static final Logger LOG = Logger.getLogger(SocketChannels.class);

    /** How long a closed socket may keep draining what the client still sends before the connection is cut. */
    static final Duration CLOSE_LINGER = Duration.ofSeconds(2);
    /** How long a socket closed because its peer may never answer keeps its connection before it is cut. */
    static final Duration CUT_AFTER = Duration.ofSeconds(1);
    /** Sockets closed per event-loop task by {@link #closeAll}: about 20 ms of a loop's time each. */
    static final int CLOSE_BATCH = 200;

    private final AtomicBoolean untrackedReported = new AtomicBoolean();

    public SocketChannels() {
        requireConnectionAccess(UndertowSession.class, "getChannel");
    }

    /**
     * Fails with one line naming what is missing unless {@code sessionClass.accessor()} returns a Netty channel.
     * Compiled code would reach it anyway; checking it here turns a container upgrade that moved it into a failed
     * start instead of a first socket that fails (or, worse, goes uncounted).
     */
    static void requireConnectionAccess(Class<?> sessionClass, String accessor) {
        try {
            Method method = sessionClass.getMethod(accessor);
            if (!Channel.class.isAssignableFrom(method.getReturnType())) {
                throw new IllegalStateException(unavailable(sessionClass, accessor,
                        "it returns " + method.getReturnType().getName() + ", not a Netty channel"));
            }
        } catch (NoSuchMethodException | LinkageError e) {
            throw new IllegalStateException(unavailable(sessionClass, accessor, "it does not exist (" + e + ")"), e);
        }
    }

    private static String unavailable(Class<?> sessionClass, String accessor, String why) {
        return "WebSocket connection access is unavailable: " + sessionClass.getName() + "." + accessor + "() " + why
                + ". The per-address caps, the slow/silent-socket cuts and the orphan sweep need it; the WebSocket"
                + " container of this Quarkus version is not the one Version Observer was built against (see"
                + " docs/ARCHITECTURE.md, 'The push seam').";
    }

    /** The session's TCP connection, or null (with one ERROR line per process) if the container hides it. */
    private Channel channel(Session session) {
        if (session instanceof UndertowSession undertow && undertow.getChannel() != null) {
            return undertow.getChannel();
        }
        if (untrackedReported.compareAndSet(false, true)) {
            LOG.errorf("WebSocket session %s (%s) has no reachable TCP connection: such sockets are refused with"
                    + " 1011, since the caps and sweeps could not act on them", session.getId(),
                    session.getClass().getName());
        }
        return null;
    }

    /**
     * Runs {@code onEnd} once the socket's TCP connection has closed, however it ends (close frame, error, idle
     * timeout, reset). False, and {@code onEnd} never runs, if the connection cannot be reached.
     */
    boolean whenConnectionEnds(Session session, Runnable onEnd) {
        Channel channel = channel(session);
        if (channel == null) {
            return false;
        }
        channel.closeFuture().addListener(f -> onEnd.run());
        return true;
    }

    /** The TCP peer of the socket, or null when it is unknown (not an inet connection, or unreachable). */
    InetSocketAddress peer(Session session) {
        Channel channel = channel(session);
        return channel != null && channel.remoteAddress() instanceof InetSocketAddress inet ? inet : null;
    }

    /** Cuts the TCP connection now, without a close frame (one already sent, or a peer that cannot read it). */
    void cut(Session session) {
        Channel channel = channel(session);
        if (channel != null) {
            channel.close();
        }
    }

    /** Closes a socket the container's way; a socket already closing or gone is not an error. */
    void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Close of %s failed: %s", session.getId(), e.toString());
        }
    }

    /**
     * Closes many sockets the container's way, each on its own connection's event loop, in tasks of
     * {@link #CLOSE_BATCH}. From any other thread every close is a task handed to that loop plus the endpoint's
     * {@code @OnClose} run on the caller: 10 000 took the shutdown thread 1.3 s, while the loops that write the
     * frames waited for CPU (BENCHMARKS.md section 4d, session 10). On the loop the frame is written at once and
     * both loops close in parallel; a batch keeps each task short (a loop also serves other connections) and the
     * order holds: whatever the caller hands a loop afterwards (the HTTP server's stop, cutting every connection)
     * runs after these frames are written.
     */
    void closeAll(Collection<Session> sessions, CloseReason reason) {
        Map<EventExecutor, List<Session>> byLoop = new HashMap<>();
        for (Session session : sessions) {
            Channel channel = channel(session);
            if (channel == null) {
                close(session, reason);
            } else {
                byLoop.computeIfAbsent(channel.eventLoop(), loop -> new ArrayList<>()).add(session);
            }
        }
        byLoop.forEach((loop, onLoop) -> {
            for (int from = 0; from < onLoop.size(); from += CLOSE_BATCH) {
                List<Session> batch = onLoop.subList(from, Math.min(onLoop.size(), from + CLOSE_BATCH));
                try {
                    loop.execute(() -> batch.forEach(session -> close(session, reason)));
                } catch (RejectedExecutionException e) {
                    batch.forEach(session -> close(session, reason)); // the loop is gone: the container's way
                }
            }
        });
    }

    /**
     * Closes a socket whose peer may never answer (silent, or unknown to the registry): the close frame, then the
     * connection cut {@link #CUT_AFTER} later whether or not the peer acknowledged it.
     */
    void closeThenCut(Session session, CloseReason reason) {
        close(session, reason);
        Channel channel = channel(session);
        if (channel != null) {
            channel.eventLoop().schedule(() -> channel.close(), CUT_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Closes a socket as RFC 6455 (7.1.1) asks of a server: the close frame, then the client closes the TCP
     * connection, while the server keeps reading (and dropping) what the client still sends; after
     * {@link #CLOSE_LINGER} the connection is cut anyway (a peer that vanished or never stops).
     *
     * <p>Not {@code Session.close}: Undertow cuts the connection as soon as the close frame is written, and with
     * the client's frames still unread the kernel answers with a reset, so a client that was still sending (a
     * flooder) may never read the close frame and its code; measured, 95 of 100 flooders saw a reset instead of
     * 1008. Used for floods only: other closes happen when the client has nothing in flight, and
     * {@code Session.close} serves them (draining every close was tried and lost a hello now and then; see
     * BENCHMARKS.md section 7).
     */
    void closeDraining(Session session, CloseReason reason) {
        Channel channel = channel(session);
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
