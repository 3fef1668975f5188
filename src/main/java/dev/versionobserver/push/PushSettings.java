package dev.versionobserver.push;

import java.time.Duration;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.versionobserver.config.Require;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Checks {@code observer.push.*} when the pod starts: a cap of 0 would refuse every socket, and a ping interval
 * as long as the HTTP idle timeout would let the server cut the quiet sockets it means to keep.
 */
@Startup
@Singleton
class PushSettings {

    PushSettings(PushConfig config, @ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout) {
        validate(config, idleTimeout);
    }

    static void validate(PushConfig config, Duration idleTimeout) {
        Require.positive("observer.push.ping-interval", config.pingInterval());
        if (config.pingInterval().compareTo(idleTimeout) >= 0) {
            throw new ConfigurationException("observer.push.ping-interval=" + config.pingInterval()
                    + " must be shorter than quarkus.http.idle-timeout=" + idleTimeout
                    + " (quiet sockets would be closed as idle)");
        }
        Require.atLeast("observer.push.max-pending-sends", config.maxPendingSends(), 1);
        Require.atLeast("observer.push.max-connections", config.maxConnections(), 1);
        Require.atLeast("observer.push.max-connections-per-address", config.maxConnectionsPerAddress(), 1);
        Require.atLeast("observer.push.max-client-messages-per-minute", config.maxClientMessagesPerMinute(), 1);
    }
}
