package dev.versionobserver.version;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** What this pod is and how versions are compared. */
@ConfigMapping(prefix = "observer.version")
public interface VersionConfig {

    /**
     * This pod's version. Defaults to the Maven project version; env {@code APP_VERSION} overrides it (wired in
     * META-INF/microprofile-config.properties) so one jar can play several versions in demos and tests.
     */
    @WithName("app")
    String app();

    /** When a browser on one version must be told about another. */
    @WithDefault("major")
    CompatibilityPolicy compatibility();
}
