package dev.versionobserver.cluster;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;

/**
 * Reads peers from a v1 Endpoints object: {@code addresses} serve, {@code notReadyAddresses} do not. Terminating
 * pods are already gone from the object (the controller drops them on deletionTimestamp), and past 1000 addresses
 * the object is truncated, which {@link PeerView#truncated()} reports.
 */
final class EndpointsPeers {

    static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";

    private EndpointsPeers() {
    }

    static PeerView from(Endpoints endpoints, String portName) {
        if (endpoints == null) {
            return new PeerView(List.of(), true, false);
        }
        List<Peer> peers = new ArrayList<>();
        for (EndpointSubset subset : endpoints.getSubsets()) {
            int port = port(subset.getPorts(), portName);
            if (port <= 0) {
                continue;
            }
            add(peers, subset.getAddresses(), port, true);
            add(peers, subset.getNotReadyAddresses(), port, false);
        }
        boolean truncated = endpoints.getMetadata().getAnnotations() != null
                && endpoints.getMetadata().getAnnotations().containsKey(OVER_CAPACITY);
        return new PeerView(List.copyOf(peers), true, truncated);
    }

    private static void add(List<Peer> peers, List<EndpointAddress> addresses, int port, boolean ready) {
        for (EndpointAddress address : addresses) {
            // Without a pod targetRef there is no UID to cache by: such an address is not one of our pods.
            if (address.getTargetRef() == null || address.getTargetRef().getUid() == null) {
                continue;
            }
            peers.add(new Peer(address.getTargetRef().getUid(), address.getTargetRef().getName(), address.getIp(),
                    port, ready, false));
        }
    }

    private static int port(List<EndpointPort> ports, String name) {
        return ports.stream().filter(p -> name.equals(p.getName())).findFirst()
                .or(() -> ports.stream().findFirst())
                .map(EndpointPort::getPort).orElse(0);
    }
}
