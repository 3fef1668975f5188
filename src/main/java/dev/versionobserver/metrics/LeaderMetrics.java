package dev.versionobserver.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import dev.versionobserver.cluster.ApiCallFailed;
import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.leader.LeadershipChanged;
import dev.versionobserver.monitor.ClusterState;
import dev.versionobserver.monitor.ClusterStateChanged;
import dev.versionobserver.monitor.LeaderMilestone;
import dev.versionobserver.monitor.PeerPolled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * The cluster's meters: the election, the monitor's polls and verdicts, publications and failed API calls. They
 * exist in cluster mode only: a standalone pod never leads, polls or calls the API, so it neither shows these
 * series nor builds their three percentile histograms at start (#15 item 7: nothing loaded that standalone mode
 * does not need). Labels are bounded: poll outcomes and cluster states are enums, API operations a fixed set, and
 * the publication version label grows by one per release, not per request.
 */
@Singleton
public class LeaderMetrics {

    private final MeterRegistry registry;
    private final RegisteredMeters meters;
    private final Counter leaderTransitions;
    private final Timer convergenceToPublication;
    private final Timer takeoverToVerdict;
    private final Map<PeerPolled.Outcome, Counter> polls = new EnumMap<>(PeerPolled.Outcome.class);
    private final Timer pollDuration;
    private final Map<ApiCallFailed.Operation, Counter> apiErrors = new EnumMap<>(ApiCallFailed.Operation.class);
    private final AtomicInteger leader = new AtomicInteger();
    private final Map<ClusterState.Kind, AtomicInteger> state = new EnumMap<>(ClusterState.Kind.class);

    public LeaderMetrics(MeterRegistry registry) {
        this.registry = registry;
        meters = new RegisteredMeters(registry);
        leaderTransitions = meters.track(Counter.builder("version_observer_leader_transitions")
                .description("times this pod started or stopped leading").register(registry));
        convergenceToPublication = meters.track(Timer.builder("version_observer_convergence_to_publication")
                .description("from the cluster converging on a version to its publication in the Lease")
                .publishPercentileHistogram().register(registry));
        takeoverToVerdict = meters.track(Timer.builder("version_observer_takeover_to_verdict")
                .description("from acquiring the Lease to the monitor's first verdict (every serving pod polled)")
                .publishPercentileHistogram().register(registry));
        pollDuration = meters.track(Timer.builder("version_observer_poll_duration")
                .description("duration of /version polls of peers").publishPercentileHistogram().register(registry));
        for (PeerPolled.Outcome outcome : PeerPolled.Outcome.values()) {
            polls.put(outcome, meters.track(Counter.builder("version_observer_polls")
                    .description("/version polls of peers by outcome")
                    .tag("outcome", outcome.name().toLowerCase()).register(registry)));
        }
        for (ApiCallFailed.Operation operation : ApiCallFailed.Operation.values()) {
            apiErrors.put(operation, meters.track(Counter.builder("version_observer_kubernetes_api_errors")
                    .description("failed Kubernetes API calls by operation")
                    .tag("operation", operation.name().toLowerCase()).register(registry)));
        }
        meters.track(Gauge.builder("version_observer_leader", leader, AtomicInteger::get)
                .description("1 while this pod leads").register(registry));
        for (ClusterState.Kind kind : ClusterState.Kind.values()) {
            AtomicInteger flag = new AtomicInteger(kind == ClusterState.Kind.UNKNOWN ? 1 : 0);
            state.put(kind, flag);
            meters.track(Gauge.builder("version_observer_cluster_state", flag, AtomicInteger::get)
                    .description("1 for the monitor's current cluster state (leader only; others report unknown)")
                    .tag("state", kind.name().toLowerCase()).register(registry));
        }
    }

    /**
     * In cluster mode the bean is built at start, so every series exists from the first scrape, at zero. Static:
     * observing StartupEvent with an instance method would build the bean (and its meters) in standalone mode too.
     */
    static void createInClusterMode(@Observes StartupEvent event, ClusterMode mode, Instance<LeaderMetrics> metrics) {
        if (mode.enabled()) {
            metrics.get();
        }
    }

    void onMilestone(@Observes LeaderMilestone event) {
        switch (event.step()) {
            case FIRST_VERDICT -> takeoverToVerdict.record(event.took());
            case PUBLISHED -> {
                meters.track(Counter.builder("version_observer_publications")
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

    @PreDestroy
    void unregister() {
        meters.removeAll();
    }
}
