package dev.versionobserver.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

/**
 * The two discovery readers on the objects the controllers write: who serves, who is terminating, which port, and
 * what is not one of our pods. Plain objects, no API server.
 */
class PeerReadersTest {

    private static io.fabric8.kubernetes.api.model.EndpointAddress address(String name, String ip) {
        return new EndpointAddressBuilder().withIp(ip).withNewTargetRef().withKind("Pod").withName(name)
                .withUid("uid-" + name).endTargetRef().build();
    }

    private static String describe(PeerView view) {
        return view.peers().stream().map(p -> p.name() + "@" + p.ip() + ":" + p.port()
                + (p.serving() ? " serving" : "") + (p.terminating() ? " terminating" : "")).toList().toString();
    }

    @Test
    void endpointsListReadyAndNotReadyAddressesOnTheNamedPort() {
        Endpoints endpoints = new EndpointsBuilder().withNewMetadata().withName("shop").endMetadata()
                .addNewSubset()
                .withAddresses(address("a", "10.0.0.1"),
                        new EndpointAddressBuilder().withIp("10.0.0.9").build()) // no targetRef: not a pod of ours
                .withNotReadyAddresses(address("b", "10.0.0.2"))
                .addNewPort().withName("http").withPort(8080).endPort()
                .addNewPort().withName("observer").withPort(9090).endPort()
                .endSubset().build();
        assertThat(describe(EndpointsPeers.from(endpoints, "observer")))
                .isEqualTo("[a@10.0.0.1:9090 serving, b@10.0.0.2:9090]");
        assertThat(describe(EndpointsPeers.from(endpoints, "nonexistent"))).as("without a match, the first port")
                .isEqualTo("[a@10.0.0.1:8080 serving, b@10.0.0.2:8080]");
    }

    @Test
    void endpointsOverCapacityAreReportedTruncatedAndAMissingObjectIsAnEmptyService() {
        Endpoints full = new EndpointsBuilder().withNewMetadata().withName("shop")
                .withAnnotations(Map.of(EndpointsPeers.OVER_CAPACITY, "truncated")).endMetadata()
                .addNewSubset().withAddresses(address("a", "10.0.0.1"))
                .addNewPort().withName("http").withPort(8080).endPort().endSubset().build();
        assertThat(EndpointsPeers.from(full, "http").truncated()).isTrue();
        PeerView none = EndpointsPeers.from(null, "http");
        assertThat(none.synced()).isTrue();
        assertThat(none.peers()).isEmpty();
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String name, String ip,
            Boolean ready, Boolean serving, Boolean terminating) {
        return new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(ready).withServing(serving)
                .withTerminating(terminating).endConditions().withNewTargetRef().withKind("Pod").withName(name)
                .withUid("uid-" + name).endTargetRef().build();
    }

    private static EndpointSlice slice(String name, List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withName(name).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).endPort()
                .addNewPort().withName("observer").withPort(9090).endPort()
                .withEndpoints(endpoints).build();
    }

    @Test
    void slicesKeepTerminatingPodsWhileTheyServeAndReadAMissingServingAsReady() {
        EndpointSlice slice = slice("shop-1", List.of(
                endpoint("a", "10.0.0.1", true, true, false),
                endpoint("b", "10.0.0.2", false, true, true), // terminating, still passes readiness
                endpoint("c", "10.0.0.3", false, false, true), // terminating, no longer serving
                endpoint("d", "10.0.0.4", true, null, null), // older controllers: serving unset
                endpoint("e", "10.0.0.5", false, null, null)));
        assertThat(describe(EndpointSlicePeers.from(List.of(slice), "observer"))).isEqualTo("[a@10.0.0.1:9090 serving, "
                + "b@10.0.0.2:9090 serving terminating, c@10.0.0.3:9090 terminating, d@10.0.0.4:9090 serving, "
                + "e@10.0.0.5:9090]");
    }

    @Test
    void aPodInTwoSlicesCountsOnceServingWinsAndEndpointsWithoutPodOrAddressAreSkipped() {
        EndpointSlice first = slice("shop-1", List.of(endpoint("a", "10.0.0.1", false, false, false)));
        EndpointSlice second = slice("shop-2", List.of(endpoint("a", "10.0.0.1", true, true, false),
                new EndpointBuilder().withAddresses("10.0.0.9").build(),
                new EndpointBuilder().withNewTargetRef().withName("x").withUid("uid-x").endTargetRef().build()));
        assertThat(describe(EndpointSlicePeers.from(List.of(first, second), "http")))
                .isEqualTo("[a@10.0.0.1:8080 serving]");
        EndpointSlice portless = new EndpointSliceBuilder().withNewMetadata().withName("shop-3").endMetadata()
                .withEndpoints(endpoint("z", "10.0.0.7", true, true, false)).build();
        assertThat(EndpointSlicePeers.from(List.of(portless), "http").peers()).as("no port to poll").isEmpty();
    }
}
