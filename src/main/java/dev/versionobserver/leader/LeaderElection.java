package dev.versionobserver.leader;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.metrics.ObserverMetrics;
import dev.versionobserver.status.RecentEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Runs this pod's candidacy for the Lease, one fabric8 {@link LeaderElector} term after another: an elector runs a
 * single term, so after losing the Lease a fresh one is built and the pod competes again. The
 * {@link LeaderTask} is started and stopped only from the elector's callbacks. On shutdown the term is cancelled
 * with release-on-cancel, so the Lease is freed and a successor takes over within one retry period.
 */
@Singleton
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final ClusterMode mode;
    private final LeaderConfig config;
    private final String identity;
    private final LeaderTask task;
    private final ObserverMetrics metrics;
    private final RecentEvents events;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicInteger terms = new AtomicInteger();
    private final ScheduledExecutorService rejoin = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "leader-election");
        thread.setDaemon(true);
        return thread;
    });
    private volatile CompletableFuture<?> term;
    private volatile boolean stopping;
    private volatile String leader;

    public LeaderElection(KubernetesClient client, ClusterMode mode, LeaderConfig config, PodIdentity pod,
            LeaderTask task, ObserverMetrics metrics, RecentEvents events) {
        this.client = client;
        this.mode = mode;
        this.config = config;
        this.identity = pod.name();
        this.task = task;
        this.metrics = metrics;
        this.events = events;
        if (mode.enabled()) {
            LeaderTimings.validate(config);
        }
    }

    /** Starts competing for the Lease (cluster mode only; called once by the start-up sequence). */
    public void start() {
        rejoin.execute(this::runTerm);
    }

    private void runTerm() {
        if (stopping) {
            return;
        }
        int number = terms.incrementAndGet();
        LeaderElector elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(config.leaseName())
                .withLock(new LeaseLock(mode.namespace(), config.leaseName(), identity))
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build()).build();
        LOG.debugf("Election term %d for Lease %s as %s", number, config.leaseName(), identity);
        CompletableFuture<?> current = elector.start();
        term = current;
        current.whenComplete((ok, error) -> {
            if (error != null && !(error instanceof CancellationException)) {
                LOG.warnf("Election term %d ended with %s", number, error.toString());
                metrics.apiError(ObserverMetrics.ApiOperation.ELECTION);
            }
            stopped();
            if (!stopping) {
                // The elector runs one term; compete again after a retry period instead of spinning.
                rejoin.schedule(this::runTerm, config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.infof("Leader election: %s acquired Lease %s, starting the monitor", identity, config.leaseName());
            metrics.leading(true);
            events.add(identity + " acquired the Lease and leads");
            task.startLeading();
        }
    }

    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            LOG.infof("Leader election: %s no longer holds Lease %s, monitor stopped", identity, config.leaseName());
            metrics.leading(false);
            events.add(identity + " stopped leading");
            task.stopLeading();
        }
    }

    private void newLeader(String holder) {
        String previous = leader;
        leader = holder;
        if (holder != null && !holder.isEmpty() && !holder.equals(identity) && !holder.equals(previous)) {
            LOG.infof("Leader election: %s leads", holder);
            events.add(holder + " leads");
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

    void onShutdown(@Observes ShutdownEvent event) {
        stopping = true;
        CompletableFuture<?> current = term;
        if (current != null) {
            // Cancelling runs fabric8's release-on-cancel synchronously: the Lease is free before we exit.
            current.cancel(true);
        }
        rejoin.shutdownNow();
    }
}
