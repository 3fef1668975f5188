package dev.versionobserver.support;

import dev.versionobserver.version.CompatibilityPolicy;
import dev.versionobserver.version.VersionConfig;

/** {@link VersionConfig} for unit tests that build the version beans by hand: an app version, major compatibility. */
public record TestVersionConfig(String app) implements VersionConfig {

    @Override
    public CompatibilityPolicy compatibility() {
        return CompatibilityPolicy.MAJOR;
    }
}
