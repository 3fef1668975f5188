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

    /** One pod as discovery and the leader's monitor see it. */
    public record PodRow(String name, String ip, String version, String versionStatus, String detail,
            boolean serving, boolean terminating, boolean leader) {
    }
}
