package dev.versionobserver.leader;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.ApiCallFailed;
import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.cluster.PodLeaving;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * Runs this pod's candidacy for the Lease, one fabric8 {@link LeaderElector} term after another: an elector runs a
 * single term, so after losing the Lease a fresh one is built and the pod competes again. The
 * {@link LeaderTask} is started and stopped only from the elector's callbacks.
 *
 * <p>Handover happens at the speed of a watch event, not of a retry period:
 * <ul>
 * <li>A pod whose own Pod has a deletionTimestamp ({@link PodLeaving}) leaves the election for good; if it leads,
 * cancelling its term releases the Lease at once (see {@link #release()}), while the pod goes on serving its sockets
 * through preStop. An in-flight publication is safe either way: it is fenced by the Lease's resourceVersion.</li>
 * <li>A follower that sees the Lease released ({@link LeaseObserved}, empty holder), or sees no renewal for one
 * lease duration after its last observation (the holder crashed), restarts its term after a random spread of up
 * to {@code observer.leader.takeover-spread}, and a new term tries to acquire at once instead of at its next
 * retry. Correctness stays with the API server's optimistic concurrency: one update wins, the others get 409 and
 * follow the winner. Cost: per handover, at most one extra acquire attempt (a GET and an update) per follower.</li>
 * </ul>
 * On shutdown the term is cancelled and the Lease released the same way, before the process exits.
 */
@Singleton
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);
    /** How long a shutdown waits for leader-only work to wind down (the monitor bounds its own wait at 3 s). */
    private static final java.time.Duration WIND_DOWN = java.time.Duration.ofSeconds(4);

    private final KubernetesClient client;
    private final ClusterMode mode;
    private final LeaderConfig config;
    private final String identity;
    private final LeaderTask task;
    private final Event<ApiCallFailed> apiFailures;
    private final Event<LeadershipChanged> changes;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicInteger terms = new AtomicInteger();
    private final ScheduledExecutorService rejoin = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "leader-election");
        thread.setDaemon(true);
        return thread;
    });
    private volatile CompletableFuture<?> term;
    private volatile boolean stopping;
    /** Set once this pod is being deleted: it never competes again. */
    private volatile boolean resigned;
    /** Set by {@link #takeOver()} just before it cancels a term, so the next term starts without waiting. */
    private final AtomicBoolean restartNow = new AtomicBoolean();
    /** The pending takeover attempt for the last observed Lease (rejoin thread only). */
    private ScheduledFuture<?> pendingTakeover;
    private volatile String leader;
    /** Completes once the last stopped term's leader-only work has wound down; a shutdown waits for it. */
    private volatile CompletionStage<Void> windDown = CompletableFuture.completedFuture(null);

    public LeaderElection(KubernetesClient client, ClusterMode mode, LeaderConfig config, PodIdentity pod,
            LeaderTask task, Event<ApiCallFailed> apiFailures, Event<LeadershipChanged> changes) {
        this.client = client;
        this.mode = mode;
        this.config = config;
        this.identity = pod.name();
        this.task = task;
        this.apiFailures = apiFailures;
        this.changes = changes;
        if (mode.enabled()) {
            LeaderTimings.validate(config);
        }
    }

    /**
     * Starts competing for the Lease (cluster mode only; called once by the start-up sequence). A pod stopped while
     * it was still joining gets here after {@link #stop()}: nothing starts.
     */
    public void start() {
        execute(this::runTerm);
    }

    /** Rejoin thread only. */
    private void runTerm() {
        if (stopping || resigned) {
            return;
        }
        int number = terms.incrementAndGet();
        LeaderElector elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(config.leaseName())
                .withLock(new LeaseLock(mode.namespace(), config.leaseName(), identity))
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(false) // see release()
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build()).build();
        LOG.debugf("Election term %d for Lease %s as %s", number, config.leaseName(), identity);
        CompletableFuture<?> current = elector.start();
        term = current;
        current.whenComplete((ok, error) -> {
            if (error != null && !(error instanceof CancellationException)) {
                LOG.warnf("Election term %d ended with %s", number, error.toString());
                apiFailures.fire(new ApiCallFailed(ApiCallFailed.Operation.ELECTION));
            }
            stopped();
            if (!stopping && !resigned) {
                // The elector runs one term; compete again after a retry period instead of spinning, or at once
                // when the term was ended to take over a released or expired Lease.
                long delay = restartNow.getAndSet(false) ? 0 : config.retryPeriod().toMillis();
                execute(() -> rejoin.schedule(this::runTerm, delay, TimeUnit.MILLISECONDS));
            }
        });
    }

    /** This pod is being deleted: leave the election; if leading, release the Lease now (see class docs). */
    void onLeaving(@Observes PodLeaving leaving) {
        if (!mode.enabled() || resigned) {
            return;
        }
        resigned = true;
        execute(() -> {
            CompletableFuture<?> current = term;
            boolean wasLeading = leading.get();
            LOG.infof("Leader election: %s is being deleted and leaves the election%s", identity,
                    wasLeading ? "; releasing Lease " + config.leaseName() : "");
            changes.fire(new LeadershipChanged(identity, LeadershipChanged.Change.LEAVES));
            if (current != null) {
                current.cancel(true); // the stopped-leading callback runs here and releases the Lease
            }
        });
    }

    /** Every pod follows the Lease: a released or expiring Lease is taken over without waiting for a retry. */
    void onLease(@Observes LeaseObserved lease) {
        if (!mode.enabled() || stopping || resigned) {
            return;
        }
        execute(() -> {
            if (pendingTakeover != null) {
                pendingTakeover.cancel(false);
                pendingTakeover = null;
            }
            if (identity.equals(lease.holder())) {
                return;
            }
            // Released: take it now. Held: if no renewal is seen for one lease duration (measured on this pod's
            // clock from this observation, as client-go does, so skew does not matter), the holder is gone.
            long delay = (lease.released() ? 0 : lease.leaseDuration().toMillis()) + spread();
            pendingTakeover = rejoin.schedule(this::takeOver, delay, TimeUnit.MILLISECONDS);
        });
    }

    /** Rejoin thread only: restarts a candidate's term so that it tries to acquire now. */
    private void takeOver() {
        pendingTakeover = null;
        CompletableFuture<?> current = term;
        if (stopping || resigned || leading.get() || current == null || current.isDone()) {
            return;
        }
        LOG.infof("Leader election: Lease %s released or expired, %s tries to take it now", config.leaseName(),
                identity);
        restartNow.set(true);
        current.cancel(true); // not leading: nothing to release; the completion starts the next term at once
    }

    /**
     * Releases the Lease when this pod stops competing (shutdown, or its pod is being deleted), as client-go does:
     * holder cleared, duration one second, in one update carrying the resourceVersion just read, so it cannot undo
     * a successor's acquisition (409: someone took it already). Written here rather than with fabric8's
     * release-on-cancel because that one leaves holderIdentity set (its null holder is dropped from the update)
     * and so looks, to every follower, like a lease that is still held for one more second. Runs on the thread
     * that ended the term, before the monitor is stopped, so a publication in flight does not delay the release;
     * the publication is fenced by the resourceVersion either way.
     */
    private void release() {
        try {
            Lease lease = client.leases().inNamespace(mode.namespace()).withName(config.leaseName()).get();
            if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            lease.getSpec().setHolderIdentity("");
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setAcquireTime(now);
            lease.getSpec().setRenewTime(now);
            client.resource(lease).update();
            LOG.debugf("Leader election: released Lease %s", config.leaseName());
        } catch (KubernetesClientException e) {
            // 409: taken over already. API down: the Lease expires after its duration, as after a crash.
            LOG.infof("Leader election: could not release Lease %s: %s", config.leaseName(), e.toString());
        }
    }

    private long spread() {
        long max = config.takeoverSpread().toMillis();
        return max <= 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
    }

    private void execute(Runnable work) {
        try {
            rejoin.execute(work);
        } catch (RejectedExecutionException e) {
            // shutting down: the election is over
        }
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.infof("Leader election: %s acquired Lease %s, starting the monitor", identity, config.leaseName());
            changes.fire(new LeadershipChanged(identity, LeadershipChanged.Change.LEADS));
            task.startLeading();
        }
    }

    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            if (stopping || resigned) {
                release();
            }
            LOG.infof("Leader election: %s no longer holds Lease %s, monitor stopped", identity, config.leaseName());
            changes.fire(new LeadershipChanged(identity, LeadershipChanged.Change.STOPPED_LEADING));
            windDown = task.stopLeading();
        }
    }

    private void newLeader(String holder) {
        String previous = leader;
        leader = holder;
        if (holder != null && !holder.isEmpty() && !holder.equals(identity) && !holder.equals(previous)) {
            LOG.infof("Leader election: %s leads", holder);
            changes.fire(new LeadershipChanged(holder, LeadershipChanged.Change.OTHER_LEADS));
        }
    }

    /** Whether this pod leads now (for status and metrics; leader-only work is driven by the callbacks). */
    public boolean isLeader() {
        return leading.get();
    }

    /** The holder of the Lease as last observed, or null when unknown or released. */
    public String leader() {
        return leader;
    }

    /**
     * Leaves the election for good (shutdown, step 4 of lifecycle.ShutdownSequence): releases the Lease if held
     * and waits up to {@link #WIND_DOWN} for the leader-only work to wind down. Blocks: call it from the shutdown
     * thread only.
     */
    public void stop() {
        stopping = true;
        CompletableFuture<?> current = term;
        if (current != null) {
            // Cancelling runs the stopped-leading callback, and so release(), synchronously: the Lease is free
            // before we exit.
            current.cancel(true);
        }
        rejoin.shutdownNow();
        // The one place that waits for the monitor: here, on the shutdown thread, never on the elector's. A
        // publication in flight then has its outcome logged and counted before the process exits.
        try {
            windDown.toCompletableFuture().get(WIND_DOWN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warnf("Leader-only work did not wind down within %d ms: %s", WIND_DOWN.toMillis(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
