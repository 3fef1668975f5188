package dev.versionobserver.version;

import java.time.Instant;

import jakarta.inject.Singleton;

import io.quarkus.runtime.configuration.ConfigurationException;

/** This pod's own version, parsed once at start-up; an invalid value stops start-up with one clear message. */
@Singleton
public class OwnVersion {

    private final AppVersion version;
    private final Instant startedAt;

    public OwnVersion(VersionConfig config) {
        try {
            this.version = AppVersion.parse(config.app());
        } catch (InvalidVersionException e) {
            throw new ConfigurationException("observer.version.app (env APP_VERSION): " + e.getMessage());
        }
        this.startedAt = Instant.now();
    }

    public AppVersion version() {
        return version;
    }

    public Instant startedAt() {
        return startedAt;
    }
}
