package dev.versionobserver.monitor;

import static dev.versionobserver.support.ClusterProfile.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.support.ClusterProfile;
import dev.versionobserver.support.FakeCluster;
import dev.versionobserver.support.StandInPeer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Vertx;

/** With EndpointSlices, a terminating pod that still serves keeps the rollout unfinished. */
@WithKubernetesTestServer(crud = true)
@QuarkusTest
@TestProfile(ClusterProfile.Slices.class)
class EndpointSlicesClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;

    @Inject
    Monitor monitor;

    @Inject
    PublishedVersion published;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close();
    }

    private void awaitState(ClusterState.Kind kind) {
        await().atMost(WAIT).until(() -> monitor.state().kind() == kind);
    }

    @Test
    void aTerminatingPodCountsUntilItStopsServing() throws Exception {
        FakeCluster cluster = new FakeCluster(client, NAMESPACE, ClusterProfile.SERVICE, ClusterProfile.APP);
        try (StandInPeer old = StandInPeer.start(vertx, "127.0.0.2", "1.0.0");
                StandInPeer next = StandInPeer.start(vertx, "127.0.0.3", "2.0.0")) {
            cluster.addPod("old", old.ip(), old.port());
            cluster.setReady("old", true);
            awaitState(ClusterState.Kind.CONVERGED);
            await().atMost(WAIT).until(() -> published.current().map(v -> v.toString().equals("1.0.0")).orElse(false));

            cluster.addPod("next", next.ip(), next.port());
            cluster.setReady("next", true);
            cluster.beginTermination("old"); // deletionTimestamp set, still passing readiness: still serving

            awaitState(ClusterState.Kind.MIXED);
            assertThat(monitor.state().versions()).containsEntry("1.0.0", 1).containsEntry("2.0.0", 1);
            assertThat(published.current()).hasValueSatisfying(v -> assertThat(v).hasToString("1.0.0"));

            cluster.setReady("old", false); // preStop done, readiness fails: serving=false, terminating=true
            awaitState(ClusterState.Kind.CONVERGED);
            await().atMost(WAIT).until(() -> published.current().map(v -> v.toString().equals("2.0.0")).orElse(false));
        } finally {
            cluster.reset();
        }
    }
}
