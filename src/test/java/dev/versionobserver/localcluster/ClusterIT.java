package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.versionobserver.localcluster.LocalCluster.PodInfo;
import dev.versionobserver.support.WsClient;

/**
 * Real service processes against the embedded API server, with the local cluster playing kubelet, endpoints and
 * Deployment controllers: one leader, a surge rollout published once to sockets on every pod, a leader crash in
 * the middle of a rollout, and the published version surviving the leader.
 */
class ClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private LocalCluster cluster;
    private final List<WsClient> sockets = new ArrayList<>();

    /** Kubernetes' default rolling update (maxSurge 25%, maxUnavailable 25%) with a fast election. */
    private static LocalCluster.Options fastElection() {
        return LocalCluster.Options.defaults().withEnv(Map.of(
                "OBSERVER_LEADER_LEASE_DURATION", "4s",
                "OBSERVER_LEADER_RENEW_DEADLINE", "3s",
                "OBSERVER_LEADER_RETRY_PERIOD", "500ms"));
    }

    private void start(LocalCluster.Options options) throws Exception {
        cluster = new LocalCluster(options, line -> System.out.println("[cluster] " + line));
    }

    @AfterEach
    void stop() throws Exception {
        for (WsClient socket : sockets) {
            socket.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void awaitRolledOutAndPublished(String version) {
        await().atMost(WAIT).until(cluster::rolledOut);
        await().atMost(WAIT).until(() -> cluster.published().equals(Optional.of(version)));
    }

    /** Opens a socket, as a page of {@code pageVersion} would, to every ready pod not yet connected. */
    private Map<String, WsClient> connectToEveryPod(String pageVersion) throws Exception {
        Map<String, WsClient> byPod = new HashMap<>();
        for (PodInfo pod : cluster.pods()) {
            if (pod.ready() && !pod.terminating()) {
                WsClient socket = WsClient.connect(cluster.socketUri(pod, pageVersion));
                sockets.add(socket);
                assertThat(socket.next(WAIT).path("type").asText()).isEqualTo("hello");
                byPod.put(pod.name(), socket);
            }
        }
        return byPod;
    }

    private static void assertToldOnceOf(WsClient socket, String version) throws Exception {
        JsonNode message = socket.next(WAIT);
        assertThat(message.path("type").asText()).isEqualTo("new_version");
        assertThat(message.path("version").asText()).isEqualTo(version);
        socket.sendText("ping");
        assertThat(socket.next(WAIT).path("type").asText()).as("nothing but one new_version").isEqualTo("pong");
    }

    /** The leader can be an old pod that is terminating but still running; wait for one that stays. */
    private String awaitLeaderAmongLivePods() {
        await().atMost(WAIT).until(() -> cluster.leader()
                .flatMap(cluster::pod).filter(p -> !p.terminating()).isPresent());
        return cluster.leader().orElseThrow();
    }

    private long leadersAmongLogs() {
        return cluster.pods().stream().map(p -> cluster.log(p.name()))
                .filter(log -> log.lastIndexOf("acquired Lease") > log.lastIndexOf("no longer holds Lease"))
                .count();
    }

    @Test
    void oneLeaderAndASurgeRolloutPublishedOnceToSocketsOnEveryPod() throws Exception {
        start(fastElection());
        cluster.deploy("1.0.0", 3);
        awaitRolledOutAndPublished("1.0.0");
        String leader = cluster.leader().orElseThrow();
        assertThat(cluster.pods()).extracting(PodInfo::name).contains(leader);
        await().atMost(WAIT).until(() -> leadersAmongLogs() == 1);

        // Pages that reconnect to new pods while the rollout runs: connect as each new pod becomes ready. The
        // old pods are held until the first new pod has a socket, so at least one socket predates the
        // publication however slowly this loop runs.
        cluster.holdScaleDown(true);
        cluster.rollout("2.0.0");
        Map<String, WsClient> onNewPods = new HashMap<>();
        Map<String, JsonNode> hellos = new HashMap<>();
        await().atMost(WAIT).until(() -> {
            for (PodInfo pod : cluster.pods()) {
                if (pod.version().equals("2.0.0") && pod.ready() && !onNewPods.containsKey(pod.name())) {
                    WsClient socket = WsClient.connect(cluster.socketUri(pod, "1.0.0"));
                    sockets.add(socket);
                    hellos.put(pod.name(), socket.next(WAIT));
                    onNewPods.put(pod.name(), socket);
                    cluster.holdScaleDown(false);
                }
            }
            return cluster.rolledOut();
        });
        awaitRolledOutAndPublished("2.0.0");
        assertThat(onNewPods).hasSize(3);
        assertThat(hellos.values()).as("some sockets were open before the publication")
                .anyMatch(hello -> hello.path("published").asText().equals("1.0.0"));
        for (Map.Entry<String, WsClient> entry : onNewPods.entrySet()) {
            JsonNode hello = hellos.get(entry.getKey());
            if (hello.path("published").asText().equals("1.0.0")) {
                assertToldOnceOf(entry.getValue(), "2.0.0");
            } else {
                // Connected after the publication: the hello itself says stale, and nothing follows.
                assertThat(hello.path("stale").asBoolean()).isTrue();
                entry.getValue().sendText("ping");
                assertThat(entry.getValue().next(WAIT).path("type").asText()).isEqualTo("pong");
            }
        }
    }

    @Test
    void leaderCrashMidRolloutStillPublishesExactlyOnce() throws Exception {
        // Full surge, old pods held: the cluster stays mixed (3 old, 3 new) until the leader has crashed, and
        // at least two of the new pods, which survive the rollout, are not the leader whatever the election did.
        start(fastElection().withRollout(1.0, 0.0));
        cluster.deploy("1.0.0", 3);
        awaitRolledOutAndPublished("1.0.0");

        cluster.holdScaleDown(true);
        cluster.rollout("3.0.0");
        await().atMost(WAIT).until(() -> cluster.pods().stream()
                .filter(p -> p.version().equals("3.0.0") && p.ready()).count() == 3);
        Map<String, WsClient> early = connectToEveryPod("1.0.0");
        assertThat(early).hasSize(6);
        assertThat(cluster.published()).as("a mixed cluster publishes nothing").contains("1.0.0");
        String leader = awaitLeaderAmongLivePods();
        cluster.crash(leader);
        cluster.holdScaleDown(false);

        awaitRolledOutAndPublished("3.0.0");
        // Sockets on the new pods were told exactly once, the crashed leader's excepted: its pod survives by
        // name (the kubelet restarted its container) but its sockets died with the process. Sockets on the old
        // pods ended with their pods, having been told at most once (a stopping pod may still relay the
        // publication it sees before its sockets close).
        List<String> survivors = cluster.pods().stream().map(PodInfo::name).filter(name -> !name.equals(leader))
                .toList();
        int told = 0;
        for (Map.Entry<String, WsClient> entry : early.entrySet()) {
            WsClient socket = entry.getValue();
            if (survivors.contains(entry.getKey())) {
                assertToldOnceOf(socket, "3.0.0");
                told++;
            } else {
                socket.awaitClose(WAIT);
                assertThat(socket.drain()).as("messages on %s after its hello", entry.getKey())
                        .allMatch(text -> text.contains("\"version\":\"3.0.0\""))
                        .hasSizeLessThanOrEqualTo(1);
            }
        }
        assertThat(told).isGreaterThanOrEqualTo(2);
        Map<String, WsClient> late = connectToEveryPod("1.0.0");
        assertThat(late).hasSize(3);
    }

    @Test
    void publishedVersionSurvivesALeaderStopAndLateJoinersGetIt() throws Exception {
        start(fastElection());
        cluster.deploy("1.0.0", 2);
        awaitRolledOutAndPublished("1.0.0");
        cluster.rollout("2.0.0");
        awaitRolledOutAndPublished("2.0.0");

        String leader = awaitLeaderAmongLivePods();
        cluster.deletePod(leader);
        await().atMost(WAIT).until(() -> cluster.leader().filter(l -> !l.equals(leader)).isPresent());
        await().atMost(WAIT).until(cluster::rolledOut);
        assertThat(cluster.log(leader)).as("the stopped leader released the Lease on its way out")
                .contains("no longer holds Lease");

        for (WsClient socket : connectToEveryPod("1.0.0").values()) {
            socket.sendText("ping");
            assertThat(socket.next(WAIT).path("type").asText()).isEqualTo("pong");
        }
        // The new leader continued from the Lease: nothing was re-published (a second write of 2.0.0 would carry
        // a new published-at, which the harness's watch on the Lease would have seen).
        assertThat(cluster.published()).contains("2.0.0");
        assertThat(cluster.publicationWrites("2.0.0")).as("writes publishing 2.0.0")
                .isEqualTo(1);
        PodInfo any = cluster.pods().get(0);
        try (WsClient late = WsClient.connect(cluster.socketUri(any, "1.0.0"))) {
            JsonNode hello = late.next(WAIT);
            assertThat(hello.path("published").asText()).isEqualTo("2.0.0");
            assertThat(hello.path("stale").asBoolean()).isTrue();
        }
    }
}
