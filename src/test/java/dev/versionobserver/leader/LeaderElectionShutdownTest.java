package dev.versionobserver.leader;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.versionobserver.cluster.ClusterConfig;
import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.cluster.PodIdentity;

/**
 * A pod stopped while it is still joining (SIGTERM during start-up: a rollout's new pod deleted at once, or the
 * image build's class-archive training) reaches {@link LeaderElection#start()} after {@link LeaderElection#stop()}:
 * the join runs on a worker and ends when its informers are stopped. That start must be dropped quietly; it used to
 * throw RejectedExecutionException from the stopped executor, logged as an uncaught error after shutdown.
 */
class LeaderElectionShutdownTest {

    @Test
    void aStartThatArrivesAfterStopIsDroppedNotThrown() {
        // Only what the constructor and stop() read; no API is reached (no term ever starts).
        ClusterConfig cluster = stub(ClusterConfig.class, "mode", ClusterConfig.Mode.AUTO);
        PodIdentity pod = stub(PodIdentity.class, "namespace", Optional.of("apps"));
        LeaderTask task = new LeaderTask() {
            @Override
            public void startLeading() {
            }

            @Override
            public CompletionStage<Void> stopLeading() {
                return CompletableFuture.completedFuture(null);
            }
        };
        LeaderElection election = new LeaderElection(null, new ClusterMode(cluster, pod),
                new LeaderTimingsTest.Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2),
                        Duration.ofMillis(100)), pod, task, null, null);
        election.stop();
        assertThatCode(election::start).doesNotThrowAnyException();
    }

    /** A configuration interface answering {@code method} with {@code value}, and null to anything else. */
    private static <T> T stub(Class<T> type, String method, Object value) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
                (proxy, m, args) -> m.getName().equals(method) ? value : null));
    }
}
