package dev.versionobserver.push;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;
import jakarta.websocket.Session;

import io.netty.channel.Channel;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Decides whether a WebSocket may open. Before the handshake: its Origin must be the page's own or an allowed one
 * (403 otherwise; cross-site WebSocket hijacking), and the pod must not be shutting down (503). On open: the
 * pod-wide and per-address caps must not be reached (the socket is then closed with 1013, try again later).
 * Counting uses the socket's TCP channel, reached through Undertow's session, because neither the Jakarta API nor a
 * Vert.x route sees when an upgraded connection ends.
 */
@Singleton
public class SocketAdmission {

    private static final Logger LOG = Logger.getLogger(SocketAdmission.class);
    private static final String PATH = "/version/ws";

    private final PushConfig config;
    private final List<String> allowedOrigins;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** Admitted sockets whose connection is still open, with the time they were admitted (epoch ms). */
    private final Map<Session, Long> admitted = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public SocketAdmission(PushConfig config) {
        this.config = config;
        this.allowedOrigins = config.allowedOrigins().orElse(List.of()).stream()
                .map(o -> o.strip().toLowerCase()).filter(o -> !o.isEmpty()).toList();
    }

    /** Ahead of every other route: the WebSocket upgrade is served by its own route, which filters do not see. */
    void register(@Observes Router router) {
        router.route(PATH).order(Integer.MIN_VALUE).handler(this::filter);
    }

    private void filter(RoutingContext rc) {
        if (!"websocket".equalsIgnoreCase(rc.request().getHeader(HttpHeaders.UPGRADE))) {
            rc.next();
            return;
        }
        String origin = rc.request().getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !originAllowed(origin, rc.request().getHeader(HttpHeaders.HOST))) {
            LOG.debugf("Refused WebSocket from origin %s", origin);
            rc.response().setStatusCode(403).end("origin not allowed");
            return;
        }
        if (shuttingDown) {
            // Quarkus closes every connection whose request arrives in pre-shutdown once that request is done
            // (GracefulShutdownFilter), an upgraded one included, without a close frame: say so before the upgrade.
            rc.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, "1").end("server shutting down");
            return;
        }
        rc.next();
    }

    /** The pre-shutdown phase (see SessionRegistry#onShutdown): no new socket from here on. */
    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
    }

    /**
     * Admits an opened socket under the caps, or returns why not. The slot is given back when the socket's TCP
     * channel closes, however the socket ends (close frame, error, idle timeout, reset).
     */
    String admit(Session session) {
        Channel channel = SocketChannels.of(session).orElse(null);
        String address = channel != null && channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() : "unknown";
        if (open.incrementAndGet() > config.maxConnections()) {
            open.decrementAndGet();
            return "too many connections";
        }
        AtomicInteger mine = perAddress.compute(address, (a, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            c.incrementAndGet();
            return c;
        });
        if (mine.get() > config.maxConnectionsPerAddress()) {
            release(address);
            return "too many connections from this address";
        }
        if (channel != null) {
            admitted.put(session, System.currentTimeMillis());
            channel.closeFuture().addListener(f -> {
                admitted.remove(session);
                release(address);
            });
        } else {
            LOG.debug("WebSocket session without a Netty channel; it is not counted against the caps");
            release(address);
        }
        return null;
    }

    private void release(String address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** Same origin as the page (the Host the browser connected to), or listed, or "*" listed. */
    boolean originAllowed(String origin, String host) {
        String normalized = origin.strip().toLowerCase();
        if (allowedOrigins.contains("*") || allowedOrigins.contains(normalized)) {
            return true;
        }
        try {
            URI uri = URI.create(normalized);
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && authority != null && authority.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false; // "null" origins (sandboxed frames, files) and garbage
        }
    }

    /** Admitted sockets whose connection is still open and that were admitted before {@code cutoffMillis}. */
    List<Session> admittedBefore(long cutoffMillis) {
        return admitted.entrySet().stream().filter(e -> e.getValue() < cutoffMillis).map(Map.Entry::getKey).toList();
    }

    /** Sockets admitted and not yet closed. */
    public int open() {
        return open.get();
    }
}
