package dev.versionobserver.status;

import java.util.List;
import java.util.Map;

/** What /status/data answers; the status page renders exactly this. */
public record StatusView(
        String servedBy,
        String servedByVersion,
        int sockets,
        String mode,
        String leader,
        boolean servedByLeader,
        String published,
        Map<String, String> publication,
        String clusterState,
        String clusterReason,
        Map<String, Integer> versions,
        List<PodRow> pods,
        List<RecentEvents.Event> events,
        String source) {

    /** This view with another account of where its cluster part comes from. */
    public StatusView withSource(String newSource) {
        return new StatusView(servedBy, servedByVersion, sockets, mode, leader, servedByLeader, published,
                publication, clusterState, clusterReason, versions, pods, events, newSource);
    }

    /**
     * This (a follower's) view with the cluster part of the leader's: its state, versions and pods; the events of
     * both, newest first.
     */
    public StatusView withClusterOf(StatusView leaderView) {
        List<RecentEvents.Event> all = new java.util.ArrayList<>(events);
        all.addAll(leaderView.events());
        all.sort((x, y) -> y.at().compareTo(x.at()));
        return new StatusView(servedBy, servedByVersion, sockets, mode, leader, false, published, publication,
                leaderView.clusterState(), leaderView.clusterReason(), leaderView.versions(), leaderView.pods(),
                all.stream().distinct().limit(RecentEvents.CAPACITY).toList(),
                "cluster state and pod versions from the leader " + leaderView.servedBy());
    }

    /** One pod as discovery and the leader's monitor see it. */
    public record PodRow(String name, String ip, String version, String versionStatus, String detail,
            boolean serving, boolean terminating, boolean leader) {
    }
}
