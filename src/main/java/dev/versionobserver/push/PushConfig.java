package dev.versionobserver.push;

import java.time.Duration;

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

}
