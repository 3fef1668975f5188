package dev.versionobserver.metrics;

import static dev.versionobserver.support.Prometheus.sample;
import static dev.versionobserver.support.Prometheus.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.support.WsClient;
import dev.versionobserver.version.AppVersion;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/metrics is Prometheus text, and the figures move when things happen. */
@QuarkusTest
class MetricsTest {

    @TestHTTPResource("/version/ws?v=1.0.0")
    URI socket;

    @Inject
    PublishedVersion published;

    @AfterEach
    void restore() {
        published.observe(AppVersion.parse("1.0.0"));
    }

    @Test
    void aStandalonePodExposesItsSocketMetersAndNoneOfTheCluster() {
        String metrics = scrape();
        assertThat(metrics)
                .contains("# TYPE version_observer_websocket_sessions gauge")
                .contains("# TYPE version_observer_websocket_connections gauge")
                .contains("# TYPE version_observer_notifications_sent counter")
                .contains("version_observer_notifications_sent_total ")
                .contains("version_observer_websocket_dropped_slow_total ")
                .contains("version_observer_websocket_orphaned_total ");
        // It never leads, polls or calls the API: no such series, and no histogram built for them at start.
        assertThat(metrics)
                .doesNotContain("version_observer_leader")
                .doesNotContain("version_observer_polls_total")
                .doesNotContain("version_observer_poll_duration")
                .doesNotContain("version_observer_cluster_state")
                .doesNotContain("version_observer_convergence_to_publication")
                .doesNotContain("version_observer_takeover_to_verdict")
                .doesNotContain("version_observer_kubernetes_api_errors");
    }

    @Test
    void sessionAndNotificationFiguresMove() throws Exception {
        double sentBefore = sample(scrape(), "version_observer_notifications_sent_total");
        try (WsClient a = WsClient.connect(socket); WsClient b = WsClient.connect(socket)) {
            a.next(Duration.ofSeconds(10));
            b.next(Duration.ofSeconds(10));
            assertThat(sample(scrape(), "version_observer_websocket_sessions")).isEqualTo(2.0);
            assertThat(sample(scrape(), "version_observer_websocket_connections")).isEqualTo(2.0);

            published.observe(AppVersion.parse("2.0.0"));
            a.next(Duration.ofSeconds(10));
            assertThat(sample(scrape(), "version_observer_notifications_sent_total")).isEqualTo(sentBefore + 2);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sample(scrape(), "version_observer_websocket_sessions") == 0.0
                        && sample(scrape(), "version_observer_websocket_connections") == 0.0);
    }
}
