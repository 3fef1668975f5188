package dev.versionobserver.health;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive when the HTTP layer can run this check. Nothing external is consulted: restarting a pod never cures an
 * outage elsewhere, and the monitor recovers from its own faults without a restart.
 */
@Liveness
@Singleton
public class ProcessLiveness implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("process");
    }
}
