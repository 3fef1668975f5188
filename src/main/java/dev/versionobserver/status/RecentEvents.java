package dev.versionobserver.status;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.versionobserver.leader.LeadershipChanged;
import dev.versionobserver.monitor.ClusterStateChanged;
import dev.versionobserver.monitor.LeaderMilestone;
import dev.versionobserver.publication.VersionPublished;

/**
 * The last state changes of this pod (leadership, cluster state, publications), newest first, bounded. Fed by the
 * CDI events the other packages fire: it only receives, nothing calls it (PackageDependenciesTest).
 */
@Singleton
public class RecentEvents {

    /** How many events are kept. */
    static final int CAPACITY = 30;

    /** One event, as shown on the status page. */
    public record Event(String at, String text) {
    }

    private final Deque<Event> events = new ArrayDeque<>();

    void onLeadership(@Observes LeadershipChanged event) {
        add(event.pod() + switch (event.change()) {
            case LEADS -> " acquired the Lease and leads";
            case STOPPED_LEADING -> " stopped leading";
            case LEAVES -> " is being deleted and leaves the election";
            case OTHER_LEADS -> " leads";
        });
    }

    void onClusterState(@Observes ClusterStateChanged event) {
        if (event.leading()) { // a monitor that stops says so through LeadershipChanged
            add("cluster " + event.state().kind().name().toLowerCase() + ": " + event.state().reason());
        }
    }

    void onMilestone(@Observes LeaderMilestone event) {
        if (event.step() == LeaderMilestone.Step.PUBLISHED) {
            add("published " + event.published() + ", " + event.took().toMillis() + " ms after convergence");
        }
    }

    void onPublished(@Observes VersionPublished event) {
        if (event.previous() != null) {
            add("published version changed from " + event.previous() + " to " + event.version());
        }
    }

    synchronized void add(String text) {
        events.addFirst(new Event(Instant.now().toString(), text));
        while (events.size() > CAPACITY) {
            events.removeLast();
        }
    }

    public synchronized List<Event> list() {
        return List.copyOf(events);
    }
}
