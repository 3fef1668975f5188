package dev.versionobserver.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.versionobserver.cluster.ApiCallFailed;
import dev.versionobserver.leader.LeadershipChanged;
import dev.versionobserver.monitor.ClusterState;
import dev.versionobserver.monitor.ClusterStateChanged;
import dev.versionobserver.monitor.LeaderMilestone;
import dev.versionobserver.monitor.PeerPolled;
import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.push.SocketAdmission;
import dev.versionobserver.push.SocketEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * Every meter of the service, fed by the CDI events the other packages fire: it only receives, nothing calls it
 * (PackageDependenciesTest). Observers run on the firing thread, often an event loop: they only count. Labels are
 * bounded: poll outcomes and cluster states are enums, API operations a fixed set, and the publication version
 * label grows by one per release, not per request.
 */
@Startup // every series exists from the first scrape, at zero, not only after its first event
@Singleton
public class ObserverMetrics {

    private final MeterRegistry registry;
    /** Every meter this bean registered, removed again on shutdown (the registry can outlive the app in tests). */
    private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
    private final Counter notifications;
    private final Counter leaderTransitions;
    private final Counter tooSlow;
    private final Counter orphaned;
    private final Timer convergenceToPublication;
    private final Timer takeoverToVerdict;
    private final Map<PeerPolled.Outcome, Counter> polls = new EnumMap<>(PeerPolled.Outcome.class);
    private final Timer pollDuration;
    private final Map<ApiCallFailed.Operation, Counter> apiErrors = new EnumMap<>(ApiCallFailed.Operation.class);
    private final AtomicInteger leader = new AtomicInteger();
    private final Map<ClusterState.Kind, AtomicInteger> state = new EnumMap<>(ClusterState.Kind.class);

    public ObserverMetrics(MeterRegistry registry, SessionRegistry sockets, SocketAdmission connections) {
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
        for (PeerPolled.Outcome outcome : PeerPolled.Outcome.values()) {
            polls.put(outcome, track(Counter.builder("version_observer_polls")
                    .description("/version polls of peers by outcome")
                    .tag("outcome", outcome.name().toLowerCase()).register(registry)));
        }
        for (ApiCallFailed.Operation operation : ApiCallFailed.Operation.values()) {
            apiErrors.put(operation, track(Counter.builder("version_observer_kubernetes_api_errors")
                    .description("failed Kubernetes API calls by operation")
                    .tag("operation", operation.name().toLowerCase()).register(registry)));
        }
        track(Gauge.builder("version_observer_websocket_sessions", sockets, SessionRegistry::size)
                .description("open browser sockets on this pod").strongReference(true).register(registry));
        track(Gauge.builder("version_observer_websocket_connections", connections, SocketAdmission::open)
                .description("admitted browser sockets whose TCP connection has not ended (what the caps count)")
                .strongReference(true).register(registry));
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

    void onSockets(@Observes SocketEvent event) {
        switch (event.kind()) {
            case NOTIFIED -> notifications.increment(event.count());
            case DROPPED_SLOW -> tooSlow.increment(event.count());
            case ORPHANED -> orphaned.increment(event.count());
        }
    }

    void onMilestone(@Observes LeaderMilestone event) {
        switch (event.step()) {
            case FIRST_VERDICT -> takeoverToVerdict.record(event.took());
            case PUBLISHED -> {
                track(Counter.builder("version_observer_publications")
                        .description("versions published by this pod as leader")
                        .tag("version", event.published().toString()).register(registry)).increment();
                convergenceToPublication.record(event.took());
            }
        }
    }

    void onPoll(@Observes PeerPolled event) {
        polls.get(event.outcome()).increment();
        pollDuration.record(event.took());
    }

    void onApiFailure(@Observes ApiCallFailed event) {
        apiErrors.get(event.operation()).increment();
    }

    void onLeadership(@Observes LeadershipChanged event) {
        int leading = switch (event.change()) {
            case LEADS -> 1;
            case STOPPED_LEADING -> 0;
            case LEAVES, OTHER_LEADS -> -1; // about the election, not this pod's term
        };
        if (leading >= 0 && leader.getAndSet(leading) != leading) {
            leaderTransitions.increment();
        }
    }

    void onClusterState(@Observes ClusterStateChanged event) {
        ClusterState.Kind current = event.state().kind();
        state.forEach((kind, flag) -> flag.set(kind == current ? 1 : 0));
    }

    private <M extends Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    @PreDestroy
    void unregister() {
        meters.forEach(registry::remove);
    }
}
