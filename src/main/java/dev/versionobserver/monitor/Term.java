package dev.versionobserver.monitor;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.Peer;
import dev.versionobserver.cluster.PeerView;
import dev.versionobserver.cluster.PeerWatcher;
import dev.versionobserver.publication.PublishOutcome;
import dev.versionobserver.version.AppVersion;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * One leadership term of the monitor: debounce, evaluation and the decision to publish. All its state is confined
 * to its own thread: informer events, poll answers and publication outcomes are handed to that thread, so
 * evaluation needs no locks and sees a consistent picture. Nothing survives {@link #stop}: the only durable fact,
 * the published version, lives in the Lease, and pod versions are cheap to ask again (one poll per pod).
 */
final class Term {

    private static final Logger LOG = Logger.getLogger(Term.class);
    /** How long a stopping term waits for the outcome of a publication in flight. */
    static final Duration PUBLICATION_SETTLE = Duration.ofSeconds(3);

    private final PeerWatcher peers;
    private final PeerVersions versions;
    private final Publisher publisher;
    private final MonitorConfig config;
    private final Event<ClusterStateChanged> stateChanges;
    private final Event<LeaderMilestone> milestones;
    /** Receives every verdict with the pod states behind it (the monitor's snapshot for status and probes). */
    private final BiConsumer<ClusterState, List<PeerState>> snapshot;

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "monitor");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, PeerState> states = new HashMap<>();
    private final Map<String, Cancellable> inFlight = new HashMap<>();
    private final long startedNanos = System.nanoTime();
    private AutoCloseable subscription;
    private ScheduledFuture<?> scheduled;
    private boolean publishing;
    /** Set by {@link #stop}: from then on the term only records the outcome of a write already in flight. */
    private volatile boolean ending;
    /** Completes once the publication in flight (if any) has its outcome; see {@link #stop}. */
    private volatile CompletableFuture<Void> publication = CompletableFuture.completedFuture(null);
    private AppVersion publishedThisTerm;
    private ClusterState last;
    private long convergedAtNanos;
    private boolean verdictGiven;

    Term(PeerWatcher peers, PeerVersions versions, Publisher publisher, MonitorConfig config,
            Event<ClusterStateChanged> stateChanges, Event<LeaderMilestone> milestones,
            BiConsumer<ClusterState, List<PeerState>> snapshot) {
        this.peers = peers;
        this.versions = versions;
        this.publisher = publisher;
        this.config = config;
        this.stateChanges = stateChanges;
        this.milestones = milestones;
        this.snapshot = snapshot;
    }

    void start() {
        subscription = peers.subscribe(this::trigger);
        // No debounce for the first look: a successor's first verdict is on the critical path of a handover.
        onThread(this::evaluate);
    }

    /**
     * Stops deciding at once (no evaluation, poll answer or publication starts after this) and returns without
     * waiting; the term's thread winds down on its own: a write in flight lands whatever we do (it is fenced by
     * the Lease's resourceVersion, so it is safe either way) and its outcome is still recorded, then the polls
     * are cancelled and the thread ends. The returned stage completes then, or after {@link #PUBLICATION_SETTLE}
     * at the latest.
     */
    CompletionStage<Void> stop() {
        ending = true;
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debugf("Unsubscribe failed: %s", e.toString());
        }
        CompletableFuture<Void> woundDown = new CompletableFuture<>();
        CompletableFuture<Void> inFlightWrite = publication;
        inFlightWrite.copy().completeOnTimeout(null, PUBLICATION_SETTLE.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, error) -> {
                    if (!inFlightWrite.isDone()) {
                        LOG.warnf("Stopped with a publication still in flight after %d ms",
                                PUBLICATION_SETTLE.toMillis());
                    }
                    onThread(() -> {
                        inFlight.values().forEach(Cancellable::cancel);
                        inFlight.clear();
                    });
                    thread.shutdown();
                    woundDown.complete(null);
                });
        return woundDown;
    }

    /** Coalesces bursts of events into one evaluation after the debounce delay. Any thread. */
    void trigger() {
        onThread(() -> {
            if (ending) {
                return;
            }
            if (scheduled == null || scheduled.isDone()) {
                scheduled = thread.schedule(this::evaluate, config.debounce().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void onThread(Runnable work) {
        if (!thread.isShutdown()) {
            try {
                thread.execute(() -> {
                    try {
                        work.run();
                    } catch (RuntimeException e) {
                        // Never let one bad evaluation end the term's thread.
                        LOG.errorf(e, "Monitor step failed; continuing");
                    }
                });
            } catch (RejectedExecutionException e) {
                // Term stopped between the check and the hand-off: nothing to do.
            }
        }
    }

    private void evaluate() {
        if (ending) {
            return;
        }
        PeerView view = peers.view();
        Set<String> serving = new HashSet<>();
        Set<String> present = new HashSet<>();
        for (Peer peer : view.peers()) {
            present.add(peer.uid());
            if (peer.serving()) {
                serving.add(peer.uid());
            }
        }
        // A pod that stopped serving is no longer polled; what we knew of its version stays valid (a pod's version
        // cannot change), anything else is asked again if it serves again.
        states.entrySet().removeIf(e -> !present.contains(e.getKey())
                || (!serving.contains(e.getKey()) && e.getValue().status() != PeerState.Status.KNOWN));
        inFlight.entrySet().removeIf(e -> {
            if (serving.contains(e.getKey())) {
                return false;
            }
            e.getValue().cancel();
            return true;
        });
        for (Peer peer : view.serving()) {
            if (!states.containsKey(peer.uid())) {
                poll(peer);
            }
        }
        ClusterState next = Convergence.judge(view, states);
        report(next);
        if (next.kind() == ClusterState.Kind.CONVERGED) {
            maybePublish(next.version());
        }
    }

    private void report(ClusterState next) {
        if (!verdictGiven && next.kind() != ClusterState.Kind.PENDING && next.kind() != ClusterState.Kind.UNKNOWN) {
            verdictGiven = true;
            Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
            milestones.fire(new LeaderMilestone(LeaderMilestone.Step.FIRST_VERDICT, null, took));
            LOG.infof("First verdict %d ms after taking the lead: %s", took.toMillis(), next.kind());
        }
        snapshot.accept(next, List.copyOf(states.values()));
        boolean changed = last == null || last.kind() != next.kind() || !last.versions().equals(next.versions());
        if (changed) {
            LOG.infof("Cluster %s: %s", next.kind(), next.reason());
            stateChanges.fire(new ClusterStateChanged(next, true));
            if (next.kind() == ClusterState.Kind.CONVERGED) {
                convergedAtNanos = System.nanoTime();
            }
        }
        last = next;
    }

    private void poll(Peer peer) {
        states.put(peer.uid(), PeerState.polling(peer));
        inFlight.put(peer.uid(), versions.poll(peer,
                version -> onThread(() -> answered(peer, version)),
                failure -> onThread(() -> failed(peer, failure))));
    }

    private void answered(Peer peer, AppVersion version) {
        inFlight.remove(peer.uid());
        if (ending || !states.containsKey(peer.uid())) {
            return; // stopping, or the pod left while the answer was on its way
        }
        states.put(peer.uid(), PeerState.known(peer, version));
        if (last != null) { // always set by then: polls start in evaluate, which reports before this runs
            snapshot.accept(last, List.copyOf(states.values()));
        }
        LOG.debugf("Pod %s (%s) runs %s", peer.name(), peer.ip(), version);
        trigger();
    }

    private void failed(Peer peer, PollException failure) {
        if (ending) {
            return;
        }
        PeerState previous = states.get(peer.uid());
        if (previous == null) {
            return;
        }
        PeerState next = PeerState.failed(peer, failure);
        if (previous.status() != next.status()) {
            LOG.infof("Pod %s (%s) did not answer with its version (%s); retrying with backoff", peer.name(),
                    peer.ip(), next.detail());
        }
        states.put(peer.uid(), next);
        report(Convergence.judge(peers.view(), states));
    }

    private void maybePublish(AppVersion version) {
        if (publishing || version.sameAs(publishedThisTerm)) {
            return;
        }
        // Publisher answers UNCHANGED for a version the published one already covers; publishedThisTerm then keeps
        // this term from asking again.
        publishing = true;
        CompletableFuture<Void> settled = new CompletableFuture<>();
        publication = settled;
        publisher.publish(version).whenComplete((outcome, failure) -> {
            onThread(() -> {
                if (failure == null) {
                    published(version, outcome);
                } else {
                    publishFailed(version, failure);
                }
            });
            settled.complete(null);
        });
    }

    private void published(AppVersion version, PublishOutcome outcome) {
        publishing = false;
        switch (outcome) {
            case PUBLISHED -> {
                publishedThisTerm = version;
                Duration took = Duration.ofNanos(System.nanoTime() - convergedAtNanos);
                LOG.infof("Published %s %d ms after the cluster converged", version, took.toMillis());
                milestones.fire(new LeaderMilestone(LeaderMilestone.Step.PUBLISHED, version, took));
            }
            case UNCHANGED -> publishedThisTerm = version;
            case NOT_LEADER -> LOG.infof("Not publishing %s: this pod no longer holds the Lease", version);
        }
    }

    private void publishFailed(AppVersion version, Throwable failure) {
        publishing = false;
        if (ending) {
            LOG.warnf("Could not publish %s: %s; no longer leading, the next leader will", version,
                    failure.toString());
            return;
        }
        LOG.warnf("Could not publish %s: %s; will retry", version, failure.toString());
        thread.schedule(this::trigger, config.retryMax().toMillis(), TimeUnit.MILLISECONDS);
    }
}
