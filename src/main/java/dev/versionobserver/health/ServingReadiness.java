package dev.versionobserver.health;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.versionobserver.lifecycle.ClusterStartup;
import dev.versionobserver.lifecycle.ShutdownSequence;
import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.version.OwnVersion;

/**
 * UP while this pod serves pages, {@code /version} and sockets: from the end of {@link ClusterStartup} (model warm,
 * informers synced, so the published version is known) until the start of shutdown, so it leaves the Service before
 * its sockets are closed ({@link ShutdownSequence}). After start the Kubernetes API is not consulted (see package
 * docs).
 */
@Readiness
@Singleton
public class ServingReadiness implements HealthCheck {

    private final OwnVersion own;
    private final SessionRegistry sessions;
    private final ClusterStartup startup;
    private final ShutdownSequence shutdown;

    public ServingReadiness(OwnVersion own, SessionRegistry sessions, ClusterStartup startup,
            ShutdownSequence shutdown) {
        this.own = own;
        this.sessions = sessions;
        this.startup = startup;
        this.shutdown = shutdown;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("serving")
                .status(shutdown.phase() == ShutdownSequence.Phase.RUNNING && startup.serving())
                .withData("startup", startup.stage().name().toLowerCase())
                .withData("version", own.version().toString())
                .withData("sockets", sessions.size())
                .build();
    }
}
