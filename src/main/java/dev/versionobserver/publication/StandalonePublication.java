package dev.versionobserver.publication;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.version.OwnVersion;
import io.quarkus.runtime.StartupEvent;

/** Outside a cluster this pod is the whole deployment, so its own version is the published one. */
@Singleton
public class StandalonePublication {

    private static final Logger LOG = Logger.getLogger(StandalonePublication.class);

    void onStart(@Observes StartupEvent event, ClusterMode cluster, OwnVersion own, PublishedVersion published) {
        if (!cluster.enabled()) {
            LOG.infof("Running standalone (no POD_NAMESPACE, or observer.cluster.mode=off): publishing own "
                    + "version %s; no peers, no leader election", own.version());
            published.observe(own.version());
        }
    }
}
