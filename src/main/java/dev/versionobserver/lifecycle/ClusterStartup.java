package dev.versionobserver.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.ClusterConfig;
import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.cluster.ModelWarmup;
import dev.versionobserver.cluster.PeerWatcher;
import dev.versionobserver.leader.LeaderElection;
import dev.versionobserver.publication.LeasePublicationStore;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Joins the cluster in one order, off the event loop: (1) build the API model's deserializers
 * ({@link ModelWarmup}, on the startup thread, see {@link #onStart}), (2) on a worker, start the informers (peers,
 * pods, the Lease), (3) once they have listed, report ready and (4) compete for the Lease. So a pod is ready only
 * when it knows the published version (a socket it greets is told the truth, not "nothing published yet"), and a
 * pod that wins the Lease already has the peers it must judge.
 *
 * <p>Readiness waits at most {@code observer.cluster.sync-timeout} for step 2: a pod that cannot reach the API at
 * start still serves pages and {@code /version} after that (the informers keep retrying and catch up), as the
 * package {@code health} promises that the API never takes the Service down.
 */
@Singleton
public class ClusterStartup {

    private static final Logger LOG = Logger.getLogger(ClusterStartup.class);

    /** Where start-up stands; {@link #serving()} says whether readiness may report UP. */
    public enum Stage {
        WARMING, SYNCING, SYNCED, SYNC_TIMED_OUT, STANDALONE
    }

    private final ClusterMode mode;
    private final ClusterConfig config;
    // Providers, not the beans: a standalone pod never builds the cluster's object graph (the monitor, its HTTP
    // client for polls, the election): ~60 classes and ~30 ms of its start-up (BENCHMARKS 6b, session 11).
    private final Provider<ModelWarmup> warmup;
    private final Provider<PeerWatcher> peers;
    private final Provider<LeasePublicationStore> lease;
    private final Provider<LeaderElection> election;
    private volatile Stage stage = Stage.WARMING;

    public ClusterStartup(ClusterMode mode, ClusterConfig config, Provider<ModelWarmup> warmup,
            Provider<PeerWatcher> peers, Provider<LeasePublicationStore> lease, Provider<LeaderElection> election) {
        this.mode = mode;
        this.config = config;
        this.warmup = warmup;
        this.peers = peers;
        this.lease = lease;
        this.election = election;
    }

    void onStart(@Observes StartupEvent event) {
        if (!mode.enabled()) {
            stage = Stage.STANDALONE;
            return;
        }
        // Built on the startup thread, as before: a setting their constructors refuse (e.g. leader timings) still
        // fails start-up, not a worker later.
        PeerWatcher watcher = peers.get();
        LeasePublicationStore store = lease.get();
        LeaderElection leader = election.get();
        // On the startup thread, before the HTTP server opens: while Quarkus is still starting, its class loader
        // keeps the application's jars open; afterwards it closes them and re-opens a jar for each class loaded
        // (quarkusio/quarkus#13157), and the model's few hundred classes then cost seconds. The warm-up only
        // decodes built-in documents (no API call), and readiness waits for it anyway. The chart's startup probe
        // covers the later listener.
        long started = System.nanoTime();
        Duration warm = warm();
        // A worker, not the startup thread: start-up (and the HTTP server) does not wait for the API.
        Infrastructure.getDefaultWorkerPool().execute(() -> join(started, warm, watcher, store, leader));
    }

    private Duration warm() {
        try {
            return warmup.get().warm();
        } catch (RuntimeException e) {
            // Only a cost is lost (the first decode builds the deserializers itself): never a pod that cannot join.
            LOG.warnf("Warming the Kubernetes model failed (%s); joining anyway", e.toString());
            return Duration.ZERO;
        }
    }

    private void join(long started, Duration warm, PeerWatcher watcher, LeasePublicationStore store,
            LeaderElection leader) {
        stage = Stage.SYNCING;
        CompletableFuture<Void> synced = CompletableFuture.allOf(watcher.start(), store.start());
        try {
            synced.get(config.syncTimeout().toMillis(), TimeUnit.MILLISECONDS);
            stage = Stage.SYNCED;
            LOG.infof("Joined the cluster in %d ms (model warmed in %d ms, informers synced); ready",
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), warm.toMillis());
        } catch (TimeoutException e) {
            stage = Stage.SYNC_TIMED_OUT;
            LOG.warnf("Informers not synced within observer.cluster.sync-timeout=%s (Kubernetes API unreachable?); "
                    + "ready anyway, they keep retrying", config.syncTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            stage = Stage.SYNC_TIMED_OUT;
            LOG.warnf("Informers failed to start: %s; ready anyway, they keep retrying", e.toString());
        }
        leader.start();
    }

    public Stage stage() {
        return stage;
    }

    /** Whether start-up lets readiness report UP: standalone, synced, or given up waiting for the API. */
    public boolean serving() {
        Stage current = stage;
        return current != Stage.WARMING && current != Stage.SYNCING;
    }
}
