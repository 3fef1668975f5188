package dev.versionobserver.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.versionobserver.leader.LeadershipChanged;
import dev.versionobserver.leader.LeadershipChanged.Change;
import dev.versionobserver.monitor.ClusterState;
import dev.versionobserver.monitor.ClusterStateChanged;
import dev.versionobserver.monitor.LeaderMilestone;
import dev.versionobserver.publication.VersionPublished;
import dev.versionobserver.version.AppVersion;

/** The status page's recent events are what the other packages announced, in words, newest first, bounded. */
class RecentEventsTest {

    private final RecentEvents recent = new RecentEvents();

    private List<String> texts() {
        return recent.list().stream().map(RecentEvents.Event::text).toList();
    }

    @Test
    void eachAnnouncementBecomesOneLineNewestFirst() {
        recent.onLeadership(new LeadershipChanged("web-1", Change.OTHER_LEADS));
        recent.onLeadership(new LeadershipChanged("web-2", Change.LEADS));
        ClusterState mixed = new ClusterState(ClusterState.Kind.MIXED, null, Map.of("1.0.0", 1, "2.0.0", 2),
                List.of(), "a rollout is in progress");
        recent.onClusterState(new ClusterStateChanged(mixed, true));
        recent.onMilestone(new LeaderMilestone(LeaderMilestone.Step.FIRST_VERDICT, null, Duration.ofMillis(40)));
        recent.onMilestone(new LeaderMilestone(LeaderMilestone.Step.PUBLISHED, AppVersion.parse("2.0.0"),
                Duration.ofMillis(61)));
        recent.onPublished(new VersionPublished(null, AppVersion.parse("1.0.0")));
        recent.onPublished(new VersionPublished(AppVersion.parse("1.0.0"), AppVersion.parse("2.0.0")));
        recent.onClusterState(new ClusterStateChanged(mixed, false));
        recent.onLeadership(new LeadershipChanged("web-2", Change.LEAVES));
        recent.onLeadership(new LeadershipChanged("web-2", Change.STOPPED_LEADING));

        assertThat(texts()).containsExactly(
                "web-2 stopped leading",
                "web-2 is being deleted and leaves the election",
                "published version changed from 1.0.0 to 2.0.0",
                "published 2.0.0, 61 ms after convergence",
                "cluster mixed: a rollout is in progress",
                "web-2 acquired the Lease and leads",
                "web-1 leads");
    }

    @Test
    void onlyTheLatestAreKept() {
        for (int i = 0; i < RecentEvents.CAPACITY + 5; i++) {
            recent.onLeadership(new LeadershipChanged("web-" + i, Change.OTHER_LEADS));
        }
        assertThat(texts()).hasSize(RecentEvents.CAPACITY).first().isEqualTo("web-" + (RecentEvents.CAPACITY + 4)
                + " leads");
    }
}
