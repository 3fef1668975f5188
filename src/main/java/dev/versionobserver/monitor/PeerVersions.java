package dev.versionobserver.monitor;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.Peer;
import dev.versionobserver.version.AppVersion;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Asks pods for their version: one {@link VersionPoller} request at a time per pod, at most
 * {@code observer.monitor.max-concurrent-polls} across all pods ({@link PollGate}), retried with Mutiny's
 * exponential backoff and jitter until it answers or is cancelled. Every attempt is counted and reported as a
 * {@link PeerPolled} event. Holds no per-term state: a term owns the returned handles and cancels them.
 */
@Singleton
public class PeerVersions {

    private static final Logger LOG = Logger.getLogger(PeerVersions.class);

    private final VersionPoller poller;
    private final MonitorConfig config;
    private final PollGate gate;
    private final Event<PeerPolled> polled;
    private final AtomicLong attempts = new AtomicLong();

    public PeerVersions(VersionPoller poller, MonitorConfig config, Event<PeerPolled> polled) {
        this.poller = poller;
        this.config = config;
        this.gate = new PollGate(config.maxConcurrentPolls());
        this.polled = polled;
    }

    /**
     * Polls {@code peer} until it answers: {@code failed} is called on each failed attempt (the retry follows on
     * its own), {@code answered} once with the version. Both are called on whatever thread completes the request;
     * cancelling the handle stops the retries and leaves a queued attempt's permit to the next poll.
     */
    Cancellable poll(Peer peer, Consumer<AppVersion> answered, Consumer<PollException> failed) {
        return Uni.createFrom().deferred(() -> gate.run(() -> {
            attempts.incrementAndGet();
            long started = System.nanoTime();
            return poller.fetch(peer)
                    .onItem().invoke(v -> polled.fire(new PeerPolled(PeerPolled.Outcome.OK, since(started))))
                    .onFailure(PollException.class).invoke(f -> polled.fire(new PeerPolled(
                            PeerPolled.Outcome.of(((PollException) f).kind()), since(started))));
        }))
                .onFailure(PollException.class).invoke(f -> failed.accept((PollException) f))
                .onFailure().retry().withBackOff(config.retryInitial(), config.retryMax()).withJitter(0.5)
                .indefinitely()
                .subscribe().with(answered,
                        failure -> LOG.debugf("Poll of %s gave up: %s", peer.name(), failure.toString()));
    }

    /** {@code /version} requests sent by this pod since start (every attempt, retries included). */
    public long attempts() {
        return attempts.get();
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
