package dev.versionobserver.monitor;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Timings and bounds of the leader's polling. */
@ConfigMapping(prefix = "observer.monitor")
public interface MonitorConfig {

    /** Events closer together than this are evaluated once. */
    @WithDefault("100ms")
    Duration debounce();

    /** Whole-request bound for one {@code /version} poll (connect, headers and body). */
    @WithDefault("2s")
    Duration pollTimeout();

    /** First retry delay for a pod that has not answered properly; doubles, with jitter, up to the maximum. */
    @WithDefault("200ms")
    Duration retryInitial();

    /** Largest retry delay. */
    @WithDefault("10s")
    Duration retryMax();

    /** Polls in flight at once, across all pods. */
    @WithDefault("16")
    int maxConcurrentPolls();
}
