package dev.versionobserver.monitor;

import static dev.versionobserver.support.ClusterProfile.LEASE;
import static dev.versionobserver.support.ClusterProfile.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.support.ClusterProfile;
import dev.versionobserver.support.FakeCluster;
import dev.versionobserver.support.Prometheus;
import dev.versionobserver.support.StandInPeer;
import dev.versionobserver.support.WsClient;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Vertx;

/**
 * The monitor against the embedded API server in CRUD mode, driven as a cluster would be (pods created, become
 * ready, get a deletionTimestamp, disappear; Endpoints follow), with stand-in peers answering {@code /version}.
 */
@WithKubernetesTestServer(crud = true)
@QuarkusTest
@TestProfile(ClusterProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Vertx vertx;

    @Inject
    KubernetesClient client;

    @Inject
    Monitor monitor;

    @TestHTTPResource("/version/ws")
    URI socket;

    private FakeCluster cluster;
    private final List<StandInPeer> peers = new ArrayList<>();
    private int nextIp = 2;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @BeforeEach
    void freshCluster() {
        cluster = new FakeCluster(client, NAMESPACE, ClusterProfile.SERVICE, ClusterProfile.APP);
        cluster.reset();
        await().atMost(WAIT).until(() -> monitor.state().kind() == ClusterState.Kind.EMPTY);
    }

    @AfterEach
    void stopPeers() throws Exception {
        cluster.reset();
        for (StandInPeer peer : peers) {
            peer.close();
        }
        peers.clear();
    }

    /** Starts a stand-in on the next loopback address and registers its pod (not ready yet). */
    private StandInPeer pod(String name, String version) throws Exception {
        StandInPeer peer = StandInPeer.start(vertx, "127.0.0." + nextIp++, version);
        peers.add(peer);
        cluster.addPod(name, peer.ip(), peer.port());
        return peer;
    }

    private StandInPeer readyPod(String name, String version) throws Exception {
        StandInPeer peer = pod(name, version);
        cluster.setReady(name, true);
        return peer;
    }

    private void stopPod(String name) {
        cluster.beginTermination(name);
        cluster.remove(name);
    }

    private String publishedAnnotation() {
        return leaseAnnotation(LeasePublicationStore.VERSION_ANNOTATION);
    }

    private String leaseAnnotation(String name) {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
        return lease == null || lease.getMetadata().getAnnotations() == null ? null
                : lease.getMetadata().getAnnotations().get(name);
    }

    private void awaitState(ClusterState.Kind kind, String version) {
        await().atMost(WAIT).until(() -> {
            ClusterState state = monitor.state();
            return state.kind() == kind && (version == null || version.equals(String.valueOf(state.version())));
        });
    }

    /** Brings the cluster to {@code count} ready pods of {@code version} and waits until it is the baseline. */
    private void runningOn(String version, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            readyPod("base-" + i, version);
        }
        awaitState(ClusterState.Kind.CONVERGED, version);
        await().atMost(WAIT).until(() -> version.equals(publishedAnnotation()));
    }

    /** No message except the pong: a ping round-trip flushes anything sent before it. */
    private static void assertNothingPushed(WsClient client) throws Exception {
        client.sendText("ping");
        JsonNode next = client.next(WAIT);
        assertThat(next.path("type").asText()).as("message before pong").isEqualTo("pong");
    }

    @Test
    @Order(0)
    void everyClusterMeterExistsBeforeItsFirstEvent() {
        String metrics = Prometheus.scrape();
        assertThat(metrics)
                .contains("# TYPE version_observer_leader gauge")
                .contains("# TYPE version_observer_leader_transitions counter")
                .contains("version_observer_polls_total{outcome=\"timeout\"}")
                .contains("version_observer_poll_duration_seconds_count")
                .contains("version_observer_cluster_state{state=\"converged\"}")
                .contains("version_observer_convergence_to_publication_seconds_count")
                .contains("version_observer_takeover_to_verdict_seconds_count")
                .contains("version_observer_kubernetes_api_errors_total{operation=\"list_watch\"}");
        // No peer has answered garbage yet (that is test 4's): the series is there, at zero.
        assertThat(Prometheus.sample(metrics, "version_observer_polls_total{outcome=\"garbage\"}")).isZero();
    }

    @Test
    @Order(1)
    void firstConvergenceSetsTheBaselineWithoutPromptingAnyone() throws Exception {
        try (WsClient browser = WsClient.connect(URI.create(socket + "?v=1.0.0"))) {
            JsonNode hello = browser.next(WAIT);
            assertThat(hello.path("published").isNull()).as("nothing published yet").isTrue();

            runningOn("1.0.0", 3);

            // A page greeted before any version was known learns the baseline, and it is not stale.
            JsonNode baseline = browser.next(WAIT);
            assertThat(baseline.path("type").asText()).isEqualTo("new_version");
            assertThat(baseline.path("version").asText()).isEqualTo("1.0.0");
            assertThat(baseline.path("previous").isNull()).isTrue();
            assertThat(baseline.path("stale").asBoolean()).isFalse();
            assertNothingPushed(browser);
        }
        try (WsClient late = WsClient.connect(URI.create(socket + "?v=1.0.0"))) {
            JsonNode hello = late.next(WAIT);
            assertThat(hello.path("published").asText()).isEqualTo("1.0.0");
            assertNothingPushed(late);
        }
    }

    @Test
    @Order(2)
    void surgeRolloutPublishesOnceOnlyAfterTheLastOldPodStopsServing() throws Exception {
        // v1: 3 pods; roll to v2 with maxSurge 1, maxUnavailable 0.
        List<StandInPeer> v1 = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            v1.add(readyPod("v1-" + i, "1.0.0"));
        }
        awaitState(ClusterState.Kind.CONVERGED, "1.0.0");
        long pollsBefore = monitor.pollCount();
        try (WsClient browser = WsClient.connect(URI.create(socket + "?v=1.0.0"))) {
            browser.next(WAIT);
            List<StandInPeer> v2 = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                v2.add(pod("v2-" + i, "2.0.0"));
                // A not-ready new pod does not serve: the state is what it was before it appeared.
                awaitState(i == 1 ? ClusterState.Kind.CONVERGED : ClusterState.Kind.MIXED, null);
                cluster.setReady("v2-" + i, true);
                awaitState(ClusterState.Kind.MIXED, null);
                assertThat(publishedAnnotation()).as("published while mixed").isEqualTo("1.0.0");
                stopPod("v1-" + i);
                if (i < 3) {
                    awaitState(ClusterState.Kind.MIXED, null);
                    assertThat(publishedAnnotation()).isEqualTo("1.0.0");
                }
            }
            awaitState(ClusterState.Kind.CONVERGED, "2.0.0");
            await().atMost(WAIT).until(() -> "2.0.0".equals(publishedAnnotation()));

            JsonNode message = browser.next(WAIT);
            assertThat(message.path("type").asText()).isEqualTo("new_version");
            assertThat(message.path("version").asText()).isEqualTo("2.0.0");
            assertThat(message.path("stale").asBoolean()).isTrue();
            assertNothingPushed(browser);

            String metrics = Prometheus.scrape();
            assertThat(metrics).contains("version_observer_publications_total{version=\"2.0.0\"} 1.0");
            assertThat(Prometheus.sample(metrics, "version_observer_leader")).isEqualTo(1.0);
            assertThat(Prometheus.sample(metrics,
                    "version_observer_cluster_state{state=\"converged\"}")).isEqualTo(1.0);
            assertThat(Prometheus.sample(metrics,
                    "version_observer_polls_total{outcome=\"ok\"}")).isGreaterThanOrEqualTo(6.0);

            // O(N): each pod was asked once in its lifetime.
            assertThat(monitor.pollCount() - pollsBefore).isEqualTo(3);
            assertThat(v2).allSatisfy(p -> assertThat(p.requests()).isEqualTo(1));
            assertThat(v1).allSatisfy(p -> assertThat(p.requests()).isEqualTo(1));
        }
    }

    @Test
    @Order(3)
    void compatibleChangeIsNotPublishedButARollbackIs() throws Exception {
        runningOn("5.0.0", 2);
        try (WsClient browser = WsClient.connect(URI.create(socket + "?v=5.0.0"))) {
            browser.next(WAIT);
            readyPod("minor-1", "5.1.0");
            readyPod("minor-2", "5.1.0");
            stopPod("base-0");
            stopPod("base-1");
            awaitState(ClusterState.Kind.CONVERGED, "5.1.0");
            assertThat(publishedAnnotation()).as("compatible under 'major'").isEqualTo("5.0.0");
            assertNothingPushed(browser);

            readyPod("back-1", "4.0.0");
            readyPod("back-2", "4.0.0");
            stopPod("minor-1");
            stopPod("minor-2");
            awaitState(ClusterState.Kind.CONVERGED, "4.0.0");
            await().atMost(WAIT).until(() -> "4.0.0".equals(publishedAnnotation()));
            JsonNode message = browser.next(WAIT);
            assertThat(message.path("version").asText()).isEqualTo("4.0.0");
            assertThat(message.path("stale").asBoolean()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = StandInPeer.Behaviour.class, names = { "GARBAGE", "ERROR_500", "HUGE_BODY", "HANG", "TRICKLE" })
    @Order(4)
    void aPodThatDoesNotTellItsVersionHoldsPublicationUntilReplaced(StandInPeer.Behaviour behaviour)
            throws Exception {
        runningOn("6.0.0", 1);
        readyPod("good", "7.0.0");
        StandInPeer bad = StandInPeer.start(vertx, "127.0.0." + nextIp++, behaviour);
        peers.add(bad);
        cluster.addPod("bad", bad.ip(), bad.port());
        cluster.setReady("bad", true);
        stopPod("base-0");

        awaitState(ClusterState.Kind.PENDING, null);
        assertThat(monitor.state().waitingFor()).containsExactly("bad");
        String outcome = switch (behaviour) {
            case GARBAGE, HUGE_BODY -> "garbage";
            case ERROR_500 -> "error";
            default -> "timeout";
        };
        await().atMost(WAIT).until(() -> Prometheus.sample(
                Prometheus.scrape(),
                "version_observer_polls_total{outcome=\"" + outcome + "\"}") >= 1.0);
        await().atMost(WAIT).until(() -> bad.requests() >= 2); // retried, monitor alive
        assertThat(publishedAnnotation()).isEqualTo("6.0.0");

        stopPod("bad");
        awaitState(ClusterState.Kind.CONVERGED, "7.0.0");
        await().atMost(WAIT).until(() -> "7.0.0".equals(publishedAnnotation()));
    }

    @Test
    @Order(5)
    void aPausedRolloutIsNeverPublished() throws Exception {
        runningOn("20.0.0", 2);
        readyPod("paused-new", "21.0.0");
        stopPod("base-0");
        // Half-way and left there: mixed, and nothing published, for as long as it stays so.
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() ->
                monitor.state().kind() == ClusterState.Kind.MIXED && "20.0.0".equals(publishedAnnotation()));
    }

    @Test
    @Order(6)
    void aRolloutRolledBackBeforeConvergingPromptsNobody() throws Exception {
        runningOn("30.0.0", 2);
        try (WsClient browser = WsClient.connect(URI.create(socket + "?v=30.0.0"))) {
            browser.next(WAIT);
            readyPod("doomed", "31.0.0");
            awaitState(ClusterState.Kind.MIXED, null);
            stopPod("doomed"); // kubectl rollout undo before the new ReplicaSet took over
            awaitState(ClusterState.Kind.CONVERGED, "30.0.0");
            assertThat(publishedAnnotation()).isEqualTo("30.0.0");
            assertNothingPushed(browser);
        }
    }

    @Test
    @Order(7)
    void aPodFlappingReadyDuringARolloutDelaysButDoesNotDuplicateThePublication() throws Exception {
        runningOn("40.0.0", 1);
        try (WsClient browser = WsClient.connect(URI.create(socket + "?v=40.0.0"))) {
            browser.next(WAIT);
            readyPod("new-1", "41.0.0");
            readyPod("new-2", "41.0.0");
            stopPod("base-0");
            await().atMost(WAIT).until(() -> "41.0.0".equals(publishedAnnotation()));
            String publishedAt = leaseAnnotation(LeasePublicationStore.AT_ANNOTATION);
            for (int i = 0; i < 5; i++) {
                cluster.setReady("new-2", false);
                cluster.setReady("new-2", true);
            }
            awaitState(ClusterState.Kind.CONVERGED, "41.0.0");
            JsonNode message = browser.next(WAIT);
            assertThat(message.path("version").asText()).isEqualTo("41.0.0");
            assertNothingPushed(browser);
            // One publication: a second write of 41.0.0 would carry a new published-at.
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() ->
                    publishedAt.equals(leaseAnnotation(LeasePublicationStore.AT_ANNOTATION)));
        }
    }

    @Test
    @Order(8)
    void anOldPodThatFlapsUnreadyStillHoldsThePublicationUntilItIsRemoved() throws Exception {
        runningOn("50.0.0", 1);
        readyPod("next", "51.0.0");
        awaitState(ClusterState.Kind.MIXED, null);
        // The old pod fails readiness for a while: out of the ready addresses, but not deleted, and its version
        // is known, so the rollout is not finished.
        cluster.setReady("base-0", false);
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() ->
                monitor.state().kind() == ClusterState.Kind.MIXED && "50.0.0".equals(publishedAnnotation()));
        cluster.setReady("base-0", true);
        awaitState(ClusterState.Kind.MIXED, null);
        stopPod("base-0");
        awaitState(ClusterState.Kind.CONVERGED, "51.0.0");
        await().atMost(WAIT).until(() -> "51.0.0".equals(publishedAnnotation()));
    }
}
