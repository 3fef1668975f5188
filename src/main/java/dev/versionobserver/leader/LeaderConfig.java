package dev.versionobserver.leader;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The election Lease and its timings (client-go defaults scaled down for a quick takeover). */
@ConfigMapping(prefix = "observer.leader")
public interface LeaderConfig {

    /** Name of the {@code coordination.k8s.io/v1} Lease; it also carries the published version. */
    @WithDefault("version-observer")
    String leaseName();

    /** How long a lease is valid after its last renewal; a crashed leader is replaced after about this long. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** How long the leader keeps trying to renew before it gives up leading. */
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often candidates try to acquire, and the leader renews. */
    @WithDefault("2s")
    Duration retryPeriod();

    /**
     * Followers that see the Lease released (or expired) try to take it at once, each after a random delay of up
     * to this long, so they do not all write at the same instant. Zero: no spread.
     */
    @WithDefault("100ms")
    Duration takeoverSpread();
}
