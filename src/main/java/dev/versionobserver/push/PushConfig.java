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
     * Open sockets per client address at most; further sockets are closed with 1013 once open. Behind an Ingress
     * the address is the Ingress pod's unless quarkus.http.proxy.proxy-address-forwarding is enabled for trusted
     * proxies.
     */
    @WithDefault("256")
    int maxConnectionsPerAddress();

    /** Messages a client may send per minute (client.js sends a heartbeat ping every 30 s); beyond, 1008. */
    @WithDefault("60")
    int maxClientMessagesPerMinute();

}
