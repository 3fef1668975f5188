package dev.versionobserver.lifecycle;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.cluster.PeerWatcher;
import dev.versionobserver.leader.LeaderElection;
import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.push.SocketAdmission;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

/**
 * How this pod leaves, in one order. Quarkus' pre-shutdown phase ({@code quarkus.shutdown.delay-enabled=true})
 * comes first, while the HTTP server still runs: (1) readiness reports DOWN, so the pod leaves the Service;
 * (2) new WebSocket handshakes are refused with 503; (3) every socket is closed with 1001, so its page reconnects
 * to another pod at once. Then, once the HTTP server has stopped: (4) the election is left, the Lease released
 * and the monitor's publication in flight, if any, given up to 4 s to land; (5) the informers stop. Step 4 comes
 * before 5 because the successor should learn of the release at once, and the release needs no informer.
 *
 * <p>A pod deleted by Kubernetes leaves the election earlier still, when its own Pod shows a deletionTimestamp
 * ({@code cluster.PodLeaving}, acted on by {@link LeaderElection}); the sequence here is the process's end.
 */
@Singleton
public class ShutdownSequence {

    private static final Logger LOG = Logger.getLogger(ShutdownSequence.class);

    /** Where the pod stands; readiness is UP only while {@link #RUNNING} (and start-up has finished). */
    public enum Phase {
        RUNNING, DRAINING, STOPPING
    }

    private final SocketAdmission admission;
    private final SessionRegistry sessions;
    private final ClusterMode mode;
    // Providers, as in ClusterStartup: readiness holds this bean, and a standalone pod never builds the cluster's
    // object graph.
    private final Provider<LeaderElection> election;
    private final Provider<LeasePublicationStore> lease;
    private final Provider<PeerWatcher> peers;
    private volatile Phase phase = Phase.RUNNING;

    public ShutdownSequence(SocketAdmission admission, SessionRegistry sessions, ClusterMode mode,
            Provider<LeaderElection> election, Provider<LeasePublicationStore> lease, Provider<PeerWatcher> peers) {
        this.admission = admission;
        this.sessions = sessions;
        this.mode = mode;
        this.election = election;
        this.lease = lease;
        this.peers = peers;
    }

    void onPreShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        drain(); // a no-op after the pre-shutdown phase; the whole of it when that phase is disabled
        phase = Phase.STOPPING;
        if (mode.enabled()) {
            election.get().stop();
            lease.get().stop();
            peers.get().stop();
        }
    }

    /** Steps 1-3, once. */
    private synchronized void drain() {
        if (phase != Phase.RUNNING) {
            return;
        }
        phase = Phase.DRAINING;
        admission.refuseNew();
        sessions.closeAll();
        LOG.debug("Draining: not ready, refusing new sockets, open ones closed with 1001");
    }

    public Phase phase() {
        return phase;
    }
}
