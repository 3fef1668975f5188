package dev.versionobserver.monitor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import dev.versionobserver.cluster.PeerWatcher;
import dev.versionobserver.leader.LeaderTask;

/**
 * The leader-only monitor, as the election sees it: each leadership term gets a fresh {@link Term} (debounce,
 * evaluation, the decision to publish), which asks pods through {@link PeerVersions} and writes through
 * {@link Publisher}. Holds the latest verdict for status and metrics. Both callbacks return at once, as
 * {@link LeaderTask} requires: stopping a term only flags it and hands back a stage that completes once its
 * thread has wound down.
 */
@Singleton
public class Monitor implements LeaderTask {

    private static final ClusterState NOT_LEADING = new ClusterState(ClusterState.Kind.UNKNOWN, null, Map.of(),
            List.of(), "this pod is not the leader");

    private final PeerWatcher peers;
    private final PeerVersions versions;
    private final Publisher publisher;
    private final MonitorConfig config;
    private final Event<ClusterStateChanged> stateChanges;
    private final Event<LeaderMilestone> milestones;
    private final AtomicReference<Term> term = new AtomicReference<>();
    private volatile ClusterState state = NOT_LEADING;
    private volatile List<PeerState> peerStates = List.of();

    public Monitor(PeerWatcher peers, PeerVersions versions, Publisher publisher, MonitorConfig config,
            Event<ClusterStateChanged> stateChanges, Event<LeaderMilestone> milestones) {
        this.peers = peers;
        this.versions = versions;
        this.publisher = publisher;
        this.config = config;
        this.stateChanges = stateChanges;
        this.milestones = milestones;
    }

    @Override
    public void startLeading() {
        AtomicReference<Term> self = new AtomicReference<>();
        Term next = new Term(peers, versions, publisher, config, stateChanges, milestones,
                (verdict, pods) -> snapshot(self.get(), verdict, pods));
        self.set(next);
        if (term.compareAndSet(null, next)) {
            next.start();
        }
    }

    @Override
    public CompletionStage<Void> stopLeading() {
        Term current = term.getAndSet(null);
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> woundDown = current.stop();
        state = NOT_LEADING;
        peerStates = List.of();
        stateChanges.fire(new ClusterStateChanged(NOT_LEADING, false));
        return woundDown;
    }

    /** A term's verdict; ignored unless that term is the current one (a late step of a stopped term). */
    private void snapshot(Term from, ClusterState verdict, List<PeerState> pods) {
        if (term.get() == from) {
            state = verdict;
            peerStates = pods;
        }
    }

    /** The latest verdict of this pod's monitor ({@code UNKNOWN} when not leading). */
    public ClusterState state() {
        return state;
    }

    /** What this pod's monitor knows of each pod (empty when not leading). */
    public List<PeerState> peerStates() {
        return peerStates;
    }

    /** {@code /version} requests sent by this pod since start (every attempt, retries included). */
    public long pollCount() {
        return versions.attempts();
    }
}
