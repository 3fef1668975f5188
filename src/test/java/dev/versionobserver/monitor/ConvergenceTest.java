package dev.versionobserver.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.versionobserver.cluster.Peer;
import dev.versionobserver.cluster.PeerView;
import dev.versionobserver.version.AppVersion;

/**
 * The monitor's verdict, one row per situation. Pods are written {@code name:where:version}: where is {@code S}
 * (serving), {@code N} (not ready, not being deleted), {@code TS} (terminating, still serving: EndpointSlices only)
 * or {@code TX} (terminating, no longer serving); version is a version, {@code ?} (asked, no answer yet) or
 * {@code !} (answered garbage).
 */
class ConvergenceTest {

    private static PeerState state(Peer peer, String version) {
        return switch (version) {
            case "?" -> PeerState.polling(peer);
            case "!" -> PeerState.failed(peer, new PollException(PollException.Kind.GARBAGE, "not a version"));
            default -> PeerState.known(peer, AppVersion.parse(version));
        };
    }

    @ParameterizedTest(name = "{0} (synced {1}, truncated {2}) -> {3} {4} waiting {5}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -                            | false | false | UNKNOWN   | {}              | []
            -                            | true  | false | EMPTY     | {}              | []
            a:S:1.0.0                    | true  | false | CONVERGED | {1.0.0=1}       | []
            a:S:1.0.0 b:S:v1.0.0         | true  | false | CONVERGED | {1.0.0=2}       | []
            a:S:1.0.0 b:S:2.0.0          | true  | false | MIXED     | {1.0.0=1, 2.0.0=1} | []
            a:S:2.0.0 b:S:?              | true  | false | PENDING   | {2.0.0=1}       | [b]
            a:S:2.0.0 b:S:!              | true  | false | PENDING   | {2.0.0=1}       | [b]
            a:S:1.0.0 b:S:2.0.0 c:S:?    | true  | false | MIXED     | {1.0.0=1, 2.0.0=1} | [c]
            a:S:2.0.0 b:N:1.0.0          | true  | false | MIXED     | {1.0.0=1, 2.0.0=1} | []
            a:S:2.0.0 b:N:?              | true  | false | CONVERGED | {2.0.0=1}       | []
            a:S:2.0.0 b:TS:1.0.0         | true  | false | MIXED     | {1.0.0=1, 2.0.0=1} | []
            a:S:2.0.0 b:TX:1.0.0         | true  | false | CONVERGED | {2.0.0=1}       | []
            b:TX:1.0.0                   | true  | false | EMPTY     | {}              | []
            a:S:2.0.0 b:S:2.0.0          | true  | true  | PENDING   | {2.0.0=2}       | []
            """)
    void judgesTheServingPods(String pods, boolean synced, boolean truncated, ClusterState.Kind kind,
            String versions, String waiting) {
        List<Peer> peers = new ArrayList<>();
        Map<String, PeerState> states = new LinkedHashMap<>();
        for (String pod : pods == null ? new String[0] : pods.split(" ")) {
            String[] f = pod.split(":");
            boolean serving = f[1].equals("S") || f[1].equals("TS");
            Peer peer = new Peer("uid-" + f[0], f[0], "10.0.0.1", 8080, serving, f[1].startsWith("T"));
            peers.add(peer);
            states.put(peer.uid(), state(peer, f[2]));
        }
        ClusterState verdict = Convergence.judge(new PeerView(peers, synced, truncated), states);
        assertThat(verdict.kind()).isEqualTo(kind);
        assertThat(verdict.versions().toString()).isEqualTo(versions);
        assertThat(verdict.waitingFor().toString()).isEqualTo(waiting);
        assertThat(verdict.version() != null).as("a version only when converged")
                .isEqualTo(kind == ClusterState.Kind.CONVERGED);
        assertThat(verdict.reason()).isNotBlank();
    }
}
