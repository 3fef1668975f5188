package dev.versionobserver.monitor;

import jakarta.inject.Singleton;

import dev.versionobserver.config.Require;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Checks {@code observer.monitor.*} when the pod starts, in every mode, though only a leader polls: a value that
 * cannot work (no poll allowed in flight, a zero timeout, a retry cap below the first retry) would otherwise only
 * show as a cluster pending for ever once this pod leads.
 */
@Startup
@Singleton
class MonitorSettings {

    MonitorSettings(MonitorConfig config) {
        validate(config);
    }

    static void validate(MonitorConfig config) {
        Require.notNegative("observer.monitor.debounce", config.debounce());
        Require.positive("observer.monitor.poll-timeout", config.pollTimeout());
        Require.positive("observer.monitor.retry-initial", config.retryInitial());
        if (config.retryMax().compareTo(config.retryInitial()) < 0) {
            throw new ConfigurationException("observer.monitor.retry-max=" + config.retryMax()
                    + " must be at least observer.monitor.retry-initial=" + config.retryInitial());
        }
        Require.atLeast("observer.monitor.max-concurrent-polls", config.maxConcurrentPolls(), 1);
    }
}
