package dev.versionobserver.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import dev.versionobserver.monitor.ClusterState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * Every meter of the service. Labels are bounded: poll outcomes and cluster states are enums, API operations a
 * fixed set, and the publication version label grows by one per release, not per request.
 */
@Startup // every series exists from the first scrape, at zero, not only after its first event
@Singleton
public class ObserverMetrics {

    /** Where a Kubernetes API call failed. */
    public enum ApiOperation {
        LIST_WATCH, PUBLISH, ELECTION
    }

    /** Outcome of one {@code /version} poll. */
    public enum PollOutcome {
        OK, GARBAGE, ERROR, TIMEOUT, UNREACHABLE
    }

    private final MeterRegistry registry;
    /** Every meter this bean registered, removed again on shutdown (the registry can outlive the app in tests). */
    private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
    private final Counter notifications;
    private final Counter leaderTransitions;
    private final Counter tooSlow;
    private final Counter orphaned;
    private final Timer convergenceToPublication;
    private final Timer takeoverToVerdict;
    private final Map<PollOutcome, Counter> polls = new EnumMap<>(PollOutcome.class);
    private final Timer pollDuration;
    private final Map<ApiOperation, Counter> apiErrors = new EnumMap<>(ApiOperation.class);
    private final AtomicInteger leader = new AtomicInteger();
    private final Map<ClusterState.Kind, AtomicInteger> state = new EnumMap<>(ClusterState.Kind.class);

    public ObserverMetrics(MeterRegistry registry) {
        this.registry = registry;
        notifications = track(Counter.builder("version_observer_notifications_sent")
                .description("new_version messages queued to browser sockets").register(registry));
        leaderTransitions = track(Counter.builder("version_observer_leader_transitions")
                .description("times this pod started or stopped leading").register(registry));
        tooSlow = track(Counter.builder("version_observer_websocket_dropped_slow")
                .description("sockets closed because the client did not keep up").register(registry));
        orphaned = track(Counter.builder("version_observer_websocket_orphaned")
                .description("open sockets found unregistered by the keep-alive sweep and closed (a defect if > 0)")
                .register(registry));
        convergenceToPublication = track(Timer.builder("version_observer_convergence_to_publication")
                .description("from the cluster converging on a version to its publication in the Lease")
                .publishPercentileHistogram().register(registry));
        takeoverToVerdict = track(Timer.builder("version_observer_takeover_to_verdict")
                .description("from acquiring the Lease to the monitor's first verdict (every serving pod polled)")
                .publishPercentileHistogram().register(registry));
        pollDuration = track(Timer.builder("version_observer_poll_duration")
                .description("duration of /version polls of peers").publishPercentileHistogram().register(registry));
        for (PollOutcome outcome : PollOutcome.values()) {
            polls.put(outcome, track(Counter.builder("version_observer_polls")
                    .description("/version polls of peers by outcome")
                    .tag("outcome", outcome.name().toLowerCase()).register(registry)));
        }
        for (ApiOperation operation : ApiOperation.values()) {
            apiErrors.put(operation, track(Counter.builder("version_observer_kubernetes_api_errors")
                    .description("failed Kubernetes API calls by operation")
                    .tag("operation", operation.name().toLowerCase()).register(registry)));
        }
        track(Gauge.builder("version_observer_leader", leader, AtomicInteger::get)
                .description("1 while this pod leads").register(registry));
        for (ClusterState.Kind kind : ClusterState.Kind.values()) {
            AtomicInteger flag = new AtomicInteger(kind == ClusterState.Kind.UNKNOWN ? 1 : 0);
            state.put(kind, flag);
            track(Gauge.builder("version_observer_cluster_state", flag, AtomicInteger::get)
                    .description("1 for the monitor's current cluster state (leader only; others report unknown)")
                    .tag("state", kind.name().toLowerCase()).register(registry));
        }
    }

    /** Registers the open-sessions gauge; called once by the session registry. */
    public void sessions(Supplier<Number> open) {
        track(Gauge.builder("version_observer_websocket_sessions", open).description("open browser sockets on this pod")
                .register(registry));
    }

    public void notified(int count) {
        notifications.increment(count);
    }

    public void droppedSlowClient() {
        tooSlow.increment();
    }

    public void orphanedSocket() {
        orphaned.increment();
    }

    public void published(String version, Duration sinceConvergence) {
        track(Counter.builder("version_observer_publications").description("versions published by this pod as leader")
                .tag("version", version).register(registry)).increment();
        convergenceToPublication.record(sinceConvergence);
    }

    public void firstVerdict(Duration sinceTakeover) {
        takeoverToVerdict.record(sinceTakeover);
    }

    public void polled(PollOutcome outcome, Duration took) {
        polls.get(outcome).increment();
        pollDuration.record(took);
    }

    public void apiError(ApiOperation operation) {
        apiErrors.get(operation).increment();
    }

    public void leading(boolean leading) {
        if (leader.getAndSet(leading ? 1 : 0) != (leading ? 1 : 0)) {
            leaderTransitions.increment();
        }
    }

    private <M extends Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    @PreDestroy
    void unregister() {
        meters.forEach(registry::remove);
    }

    public void clusterState(ClusterState.Kind current) {
        state.forEach((kind, flag) -> flag.set(kind == current ? 1 : 0));
    }
}
