package dev.versionobserver.push;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits and timers of the browser WebSocket. */
@ConfigMapping(prefix = "observer.push")
public interface PushConfig {

    /** How often the server pings every socket, so idle proxies and load balancers keep it open. */
    @WithDefault("25s")
    Duration pingInterval();

    /** Messages a client may leave unacknowledged before it is considered too slow and dropped. */
    @WithDefault("8")
    int maxPendingSends();

    /**
     * Origins (scheme://host[:port]) whose pages may open the socket, besides the page's own origin; "*" allows
     * any. A handshake from another origin is refused with 403 (cross-site WebSocket hijacking). Requests without
     * an Origin header (not from a browser) are allowed.
     */
    Optional<List<String>> allowedOrigins();

    /** Open sockets on this pod at most; further sockets are closed with 1013 (try again later) once open. */
    @WithDefault("20000")
    int maxConnections();

    /**
     * Open sockets per client address at most; further sockets are closed with 1013 once open. The address is the
     * one a trusted proxy reports (see {@link #trustedProxies()}), else the TCP peer's.
     */
    @WithDefault("256")
    int maxConnectionsPerAddress();

    /**
     * Peers whose X-Forwarded-For / X-Forwarded-Host are believed (CIDRs or addresses; "none" trusts no one). The
     * default is the private, shared (100.64/10), loopback and unique-local ranges, where ingress controllers, mesh
     * sidecars and load balancers' inner hops connect from; clients reaching a pod from public addresses keep the
     * per-address cap on their own address. Cloud proxies with public source ranges (e.g. Google's 35.191.0.0/16,
     * 130.211.0.0/22) must be added.
     */
    @WithDefault("10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,127.0.0.0/8,::1,fc00::/7")
    List<String> trustedProxies();

    /** Messages a client may send per minute (client.js sends a heartbeat ping every 30 s); beyond, 1008. */
    @WithDefault("60")
    int maxClientMessagesPerMinute();

}
