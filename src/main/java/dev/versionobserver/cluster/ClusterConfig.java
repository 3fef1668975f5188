package dev.versionobserver.cluster;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether and how this pod cooperates with its peers. */
@ConfigMapping(prefix = "observer.cluster")
public interface ClusterConfig {

    /** {@code auto} (cluster mode when {@code POD_NAMESPACE} is set), {@code on} (required), {@code off}. */
    @WithDefault("auto")
    Mode mode();

    /** The Service whose Endpoints (or EndpointSlices) list the serving pods. */
    @WithDefault("version-observer")
    String serviceName();

    /**
     * No longer used: pods no longer watch all the app's pods (see PeerWatcher). Still accepted, so that a
     * configuration that sets it starts; a WARN at start says it is ignored.
     */
    @Deprecated
    Optional<String> podSelector();

    /** Where serving pods are read from. */
    @WithDefault("endpoints")
    Discovery discovery();

    /** Name of the Service port that serves {@code /version}; without a match the first port is used. */
    @WithDefault("http")
    String portName();

    /**
     * How long a starting pod waits for its informers' first list before it reports ready anyway (the API may be
     * unreachable; pages and {@code /version} do not need it).
     */
    @WithDefault("10s")
    Duration syncTimeout();

    enum Mode {
        AUTO, ON, OFF
    }

    enum Discovery {
        /** v1 Endpoints: ready addresses; terminating pods are dropped at once; truncated past 1000 pods. */
        ENDPOINTS,
        /** discovery.k8s.io/v1 EndpointSlices: scales past 1000, and terminating pods count while still serving. */
        ENDPOINT_SLICES
    }
}
