package dev.versionobserver.health;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.versionobserver.lifecycle.ClusterStartup;
import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.version.OwnVersion;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

/**
 * UP while this pod serves pages, {@code /version} and sockets: from the end of {@link ClusterStartup} (model warm,
 * informers synced, so the published version is known) until the start of shutdown, so it leaves the Service before
 * its sockets are closed. After start the Kubernetes API is not consulted (see package docs).
 */
@Readiness
@Singleton
public class ServingReadiness implements HealthCheck {

    private final OwnVersion own;
    private final SessionRegistry sessions;
    private final ClusterStartup startup;
    private volatile boolean shuttingDown;

    public ServingReadiness(OwnVersion own, SessionRegistry sessions, ClusterStartup startup) {
        this.own = own;
        this.sessions = sessions;
        this.startup = startup;
    }

    /** The pre-shutdown phase: before the HTTP server stops (see SessionRegistry#onShutdown). */
    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("serving")
                .status(!shuttingDown && startup.serving())
                .withData("startup", startup.stage().name().toLowerCase())
                .withData("version", own.version().toString())
                .withData("sockets", sessions.size())
                .build();
    }
}
