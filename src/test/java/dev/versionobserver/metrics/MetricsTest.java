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
    void exposesEveryMeterWithPrometheusNames() {
        String metrics = scrape();
        assertThat(metrics)
                .contains("# TYPE version_observer_websocket_sessions gauge")
                .contains("# TYPE version_observer_notifications_sent counter")
                .contains("version_observer_notifications_sent_total ")
                .contains("# TYPE version_observer_leader gauge")
                .contains("# TYPE version_observer_leader_transitions counter")
                .contains("version_observer_polls_total{outcome=\"garbage\"}")
                .contains("version_observer_polls_total{outcome=\"timeout\"}")
                .contains("version_observer_poll_duration_seconds_count")
                .contains("version_observer_cluster_state{state=\"converged\"}")
                .contains("version_observer_convergence_to_publication_seconds_count")
                .contains("version_observer_takeover_to_verdict_seconds_count")
                .contains("version_observer_kubernetes_api_errors_total{operation=\"list_watch\"}");
        assertThat(sample(metrics, "version_observer_leader")).isZero();
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
