package dev.versionobserver.cluster;

import jakarta.inject.Singleton;

import io.quarkus.runtime.configuration.ConfigurationException;

/** Resolves {@code observer.cluster.mode} against the pod identity once, failing start-up on a contradiction. */
@Singleton
public class ClusterMode {

    private final boolean enabled;
    private final String namespace;

    public ClusterMode(ClusterConfig config, PodIdentity pod) {
        this.namespace = pod.namespace().filter(ns -> !ns.isBlank()).orElse(null);
        this.enabled = switch (config.mode()) {
            case OFF -> false;
            case AUTO -> namespace != null;
            case ON -> {
                if (namespace == null) {
                    throw new ConfigurationException("observer.cluster.mode=on needs the pod namespace: set env "
                            + "POD_NAMESPACE (downward API metadata.namespace) or observer.pod.namespace");
                }
                yield true;
            }
        };
    }

    /** Whether this pod takes part in a cluster (peers, election, Lease-held publication). */
    public boolean enabled() {
        return enabled;
    }

    /** The namespace of this pod and its peers; only meaningful when {@link #enabled()}. */
    public String namespace() {
        return namespace;
    }
}
