package dev.versionobserver.cluster;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * This pod's identity, from the downward API ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code POD_IP}; wired in
 * META-INF/microprofile-config.properties). Outside Kubernetes the namespace is absent and the service runs
 * standalone.
 */
@ConfigMapping(prefix = "observer.pod")
public interface PodIdentity {

    /** Pod name; also the identity in the leader election. */
    @WithDefault("local")
    String name();

    Optional<String> namespace();

    Optional<String> ip();
}
