package dev.versionobserver.health;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.version.OwnVersion;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

/**
 * UP while this pod serves pages, {@code /version} and sockets; DOWN from the start of shutdown so it leaves the
 * Service before its sockets are closed. The Kubernetes API is intentionally not consulted (see package docs).
 */
@Readiness
@Singleton
public class ServingReadiness implements HealthCheck {

    private final OwnVersion own;
    private final SessionRegistry sessions;
    private volatile boolean shuttingDown;

    public ServingReadiness(OwnVersion own, SessionRegistry sessions) {
        this.own = own;
        this.sessions = sessions;
    }

    /** The pre-shutdown phase: before the HTTP server stops (see SessionRegistry#onShutdown). */
    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("serving")
                .status(!shuttingDown)
                .withData("version", own.version().toString())
                .withData("sockets", sessions.size())
                .build();
    }
}
