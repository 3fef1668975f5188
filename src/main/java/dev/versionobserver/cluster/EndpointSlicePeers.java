package dev.versionobserver.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Reads peers from the EndpointSlices of a Service. Unlike Endpoints, slices keep terminating pods, with
 * {@code serving} telling whether they still pass readiness: such a pod still serves traffic and counts as a
 * serving peer until it stops. A pod may appear in two slices while the controller moves it; it counts once.
 */
final class EndpointSlicePeers {

    private EndpointSlicePeers() {
    }

    static PeerView from(Collection<EndpointSlice> slices, String portName) {
        Map<String, Peer> byUid = new LinkedHashMap<>();
        for (EndpointSlice slice : slices) {
            int port = port(slice.getPorts(), portName);
            if (port <= 0 || slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                if (endpoint.getTargetRef() == null || endpoint.getTargetRef().getUid() == null
                        || endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
                    continue;
                }
                EndpointConditions c = endpoint.getConditions();
                boolean ready = c == null || c.getReady() == null || c.getReady();
                // API contract: a nil "serving" is to be read as equal to "ready".
                boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
                boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
                Peer peer = new Peer(endpoint.getTargetRef().getUid(), endpoint.getTargetRef().getName(),
                        endpoint.getAddresses().get(0), port, serving, terminating);
                byUid.merge(peer.uid(), peer, (a, b) -> a.serving() ? a : b);
            }
        }
        return new PeerView(List.copyOf(new ArrayList<>(byUid.values())), true, false);
    }

    private static int port(List<EndpointPort> ports, String name) {
        if (ports == null) {
            return 0;
        }
        return ports.stream().filter(p -> name.equals(p.getName())).findFirst()
                .or(() -> ports.stream().findFirst())
                .map(p -> p.getPort() == null ? 0 : p.getPort()).orElse(0);
    }
}
