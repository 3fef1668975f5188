package dev.versionobserver.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.versionobserver.cluster.Peer;
import dev.versionobserver.cluster.PeerView;
import dev.versionobserver.version.AppVersion;

/**
 * Derives the {@link ClusterState} from discovery and the known versions. Serving pods count, and (with
 * EndpointSlices) a terminating pod counts for as long as it still serves, so a surge rollout converges only once
 * no old pod serves any more. A pod that is not ready but not being deleted either counts too when its version is
 * already known: it is an old pod flapping, not a finished rollout. A not-ready pod of unknown version (a new pod
 * starting) does not hold anything up; it is asked once it serves.
 */
final class Convergence {

    private Convergence() {
    }

    static ClusterState judge(PeerView view, Map<String, PeerState> states) {
        if (!view.synced()) {
            return new ClusterState(ClusterState.Kind.UNKNOWN, null, Map.of(), List.of(),
                    "waiting for the first list of endpoints");
        }
        List<Peer> serving = view.serving();
        if (serving.isEmpty()) {
            return new ClusterState(ClusterState.Kind.EMPTY, null, Map.of(), List.of(), "no pod is serving");
        }
        Map<String, Integer> versions = new TreeMap<>();
        AppVersion any = null;
        List<String> waiting = new ArrayList<>();
        for (Peer peer : view.peers()) {
            PeerState state = states.get(peer.uid());
            if (!peer.serving() && !peer.terminating() && state != null && state.status() == PeerState.Status.KNOWN) {
                versions.merge(state.version().toString(), 1, Integer::sum);
            }
        }
        for (Peer peer : serving) {
            PeerState state = states.get(peer.uid());
            if (state == null || state.status() != PeerState.Status.KNOWN) {
                waiting.add(peer.name());
            } else {
                versions.merge(state.version().toString(), 1, Integer::sum);
                any = state.version();
            }
        }
        if (versions.size() > 1) {
            return new ClusterState(ClusterState.Kind.MIXED, null, versions, waiting,
                    "serving pods run " + versions.size() + " versions " + versions.keySet());
        }
        if (!waiting.isEmpty()) {
            return new ClusterState(ClusterState.Kind.PENDING, null, versions, waiting,
                    waiting.size() + " serving pod(s) have not told their version: " + waiting);
        }
        if (view.truncated()) {
            return new ClusterState(ClusterState.Kind.PENDING, null, versions, waiting,
                    "Endpoints truncated at 1000 addresses: unseen pods may still run another version");
        }
        return new ClusterState(ClusterState.Kind.CONVERGED, any, versions, waiting,
                "all " + serving.size() + " serving pod(s) run " + any);
    }
}
