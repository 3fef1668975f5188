package dev.versionobserver.push;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;
import jakarta.websocket.Session;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Decides whether a WebSocket may open. Before the handshake: its Origin must be the page's own or an allowed one
 * (403 otherwise; cross-site WebSocket hijacking), and the pod must not be shutting down (503). On open: the
 * pod-wide and per-address caps must not be reached (the socket is then closed with 1013, try again later).
 *
 * <p>The address is the client's as {@link ProxyTrust} reports it: behind a trusted proxy the address that proxy
 * names, otherwise the TCP peer; the host compared with the Origin is likewise the forwarded one. Only the
 * handshake request carries it, and only the session's TCP connection ({@link SocketChannels}) sees the
 * socket end, so the handshake filter hands the address to {@link #admit} by the TCP peer's ip:port, unique among
 * open connections.
 */
@Singleton
public class SocketAdmission {

    private static final Logger LOG = Logger.getLogger(SocketAdmission.class);
    private static final String PATH = "/version/ws";
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";
    private static final String X_FORWARDED_HOST = "X-Forwarded-Host";
    private static final int ABANDONED_SWEEP_THRESHOLD = 1024;
    private static final int MAX_WARNED = 1000;
    private static final long HANDSHAKE_TTL_MILLIS = 60_000;

    private final PushConfig config;
    private final ProxyTrust proxies;
    private final SocketChannels channels;
    private final List<String> allowedOrigins;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** Admitted sockets whose connection is still open, with the time they were admitted (epoch ms). */
    private final Map<Session, Long> admitted = new ConcurrentHashMap<>();
    /** Handshakes that passed the filter and whose socket has not opened yet, by TCP peer (ip:port). */
    private final Map<String, Handshake> handshakes = new ConcurrentHashMap<>();
    /** TCP peers already warned about: their forwarded headers are ignored (not a trusted proxy). */
    private final Set<String> warnedUntrusted = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    /** What the handshake knew about the client: its address, and whether it sent forwarded headers in vain. */
    private record Handshake(String client, boolean forwardedIgnored, long atMillis) {
    }

    public SocketAdmission(PushConfig config, ProxyTrust proxies, SocketChannels channels) {
        this.config = config;
        this.proxies = proxies;
        this.channels = channels;
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
        SocketAddress peer = rc.request().remoteAddress();
        String peerAddress = peer == null ? null : peer.hostAddress();
        String origin = rc.request().getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !originAllowed(origin, proxies.host(peerAddress, rc.request().getHeader(HttpHeaders.HOST),
                rc.request().getHeader(X_FORWARDED_HOST)))) {
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
        if (peerAddress != null) {
            String forwardedFor = rc.request().getHeader(X_FORWARDED_FOR);
            handshakes.put(key(peerAddress, peer.port()), new Handshake(proxies.client(peerAddress, forwardedFor),
                    forwardedFor != null && !proxies.trusts(peerAddress), System.currentTimeMillis()));
        }
        rc.next();
    }

    /** The hand-off key: the TCP peer's ip:port, the same on both sides (both format the ip with getHostAddress). */
    private static String key(String ip, int port) {
        return ip + ":" + port;
    }

    /** From now on every handshake is answered 503 (shutdown, step 2 of lifecycle.ShutdownSequence). */
    public void refuseNew() {
        shuttingDown = true;
    }

    /**
     * Admits an opened socket under the caps (null), or returns the close that refuses it. The slot is given back
     * when the socket's TCP channel closes, however the socket ends (close frame, error, idle timeout, reset).
     */
    SocketClose admit(Session session) {
        InetSocketAddress tcp = channels.peer(session);
        String peer = tcp == null ? null : tcp.getAddress().getHostAddress();
        Handshake handshake = peer == null ? null : handshakes.remove(key(peer, tcp.getPort()));
        forgetAbandonedHandshakes();
        // Without the handshake's record (not expected: both sides format the peer with getHostAddress) the socket
        // is counted under its TCP peer, never under one shared bucket.
        String address = handshake != null ? handshake.client() : peer != null ? peer : "unknown";
        if (open.incrementAndGet() > config.maxConnections()) {
            open.decrementAndGet();
            return SocketClose.TOO_MANY_CONNECTIONS;
        }
        AtomicInteger mine = perAddress.compute(address, (a, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            c.incrementAndGet();
            return c;
        });
        if (mine.get() > config.maxConnectionsPerAddress()) {
            release(address);
            if (handshake != null && handshake.forwardedIgnored() && warnedUntrusted.size() < MAX_WARNED
                    && warnedUntrusted.add(address)) {
                LOG.warnf("Refusing WebSockets from %s over the per-address cap (%d): it sends X-Forwarded-For but is"
                        + " not a trusted proxy, so every client behind it counts as one address. If it is your"
                        + " Ingress or load balancer, add it to observer.push.trusted-proxies.", address,
                        config.maxConnectionsPerAddress());
            }
            return SocketClose.TOO_MANY_FROM_ADDRESS;
        }
        admitted.put(session, System.currentTimeMillis());
        boolean tracked = channels.whenConnectionEnds(session, () -> {
            admitted.remove(session);
            release(address);
        });
        if (!tracked) {
            // A slot that could never be given back, and a socket no sweep could cut: refused (SocketChannels says
            // so once at ERROR) rather than admitted uncounted.
            admitted.remove(session);
            release(address);
            return SocketClose.UNTRACKABLE;
        }
        return null;
    }

    /**
     * A handshake that passed the filter but never opened (refused by the container, connection lost) leaves its
     * entry behind; entries older than a handshake can take are dropped, a bounded amount of work per admission.
     */
    private void forgetAbandonedHandshakes() {
        if (handshakes.size() > ABANDONED_SWEEP_THRESHOLD) {
            long cutoff = System.currentTimeMillis() - HANDSHAKE_TTL_MILLIS;
            handshakes.values().removeIf(h -> h.atMillis() < cutoff);
        }
    }

    private void release(String address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /**
     * Same origin as the page (the Host the browser connected to, or the one a trusted proxy forwarded), or listed,
     * or "*" listed. Host and port are compared, not the scheme: behind a TLS-terminating proxy that is not trusted
     * the request looks like plain http although the page is https. An explicit default port (80, 443) equals none.
     */
    boolean originAllowed(String origin, String host) {
        String normalized = origin.strip().toLowerCase();
        if (allowedOrigins.contains("*") || allowedOrigins.contains(normalized)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(normalized);
            if (uri.getHost() == null) {
                return false;
            }
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return withoutDefaultPort(authority).equalsIgnoreCase(withoutDefaultPort(host.strip()));
        } catch (IllegalArgumentException e) {
            return false; // "null" origins (sandboxed frames, files) and garbage
        }
    }

    private static String withoutDefaultPort(String authority) {
        if (authority.endsWith(":80")) {
            return authority.substring(0, authority.length() - 3);
        }
        return authority.endsWith(":443") ? authority.substring(0, authority.length() - 4) : authority;
    }

    /** Admitted sockets whose connection is still open and that were admitted before {@code cutoffMillis}. */
    List<Session> admittedBefore(long cutoffMillis) {
        return admitted.entrySet().stream().filter(e -> e.getValue() < cutoffMillis).map(Map.Entry::getKey).toList();
    }

    /** Sockets admitted whose TCP connection has not ended yet. */
    public int open() {
        return open.get();
    }
}
