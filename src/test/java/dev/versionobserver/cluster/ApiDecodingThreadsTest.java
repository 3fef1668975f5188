package dev.versionobserver.cluster;

import static dev.versionobserver.support.ClusterProfile.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.versionobserver.support.ClusterProfile;
import dev.versionobserver.support.DecodingThreads;
import dev.versionobserver.support.FakeCluster;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Vertx;

/**
 * Every list and watch event the informers and the election read is decoded off the application's Vert.x
 * instance, whose event loops serve {@code /version}, probes and sockets (issue: a 2.6-7.6 s stall of a serving
 * loop while Jackson built the Pod model's deserializers). With the client on the application's Vert.x instance
 * (as the quarkus-kubernetes-client extension builds it) this test fails: its decodes run on the serving loops.
 */
@WithKubernetesTestServer(crud = true)
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ApiDecodingThreadsTest {

    @Inject
    KubernetesClient client;

    @Inject
    PeerWatcher peers;

    @Inject
    DecodingThreads decoding;

    @Inject
    Vertx serving;

    private FakeCluster cluster() {
        return new FakeCluster(client, NAMESPACE, ClusterProfile.SERVICE, ClusterProfile.APP);
    }

    @AfterEach
    void reset() {
        cluster().reset();
    }

    @Test
    void podsEndpointsAndTheLeaseAreNeverDecodedOnAServingEventLoop() {
        FakeCluster cluster = cluster();
        cluster.addPod("watched", "127.0.0.9", 8080);
        cluster.setReady("watched", true);
        await().atMost(Duration.ofSeconds(20)).until(() -> peers.view().serving().stream()
                .anyMatch(p -> p.name().equals("watched")));
        // The election has written and read the Lease by now (the profile's retry period is 200 ms).
        await().atMost(Duration.ofSeconds(20)).until(() -> decoding.decodes().stream()
                .map(DecodingThreads.Decode::type).toList().containsAll(List.of(GenericKubernetesResource.class,
                        Endpoints.class, Lease.class)));

        assertThat(decoding.decodes())
                .as("decodes of API objects, with the Vert.x instance whose event loop ran them")
                .allSatisfy(d -> assertThat(d.loopOwner()).as(d.type().getSimpleName() + " on " + d.thread())
                        .isNotSameAs(serving));
    }
}
