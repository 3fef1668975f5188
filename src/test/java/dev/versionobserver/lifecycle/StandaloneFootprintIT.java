package dev.versionobserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.versionobserver.support.ServiceProcess;
import dev.versionobserver.support.WsClient;

/**
 * Standalone mode loads nothing it does not need (issue: start-up within 1.2x of a bare WebSocket app): on the
 * packaged jar, serving its page, {@code /version} and a socket's greeting and ping never builds the Kubernetes
 * client, its API model, a data-binding Jackson mapper, the cluster's object graph (the monitor's poll client, the
 * peer view) or the cluster's meters. Proven from the JVM's own class-loading log, so a dependency that starts
 * loading them again fails here, not only in a benchmark.
 */
class StandaloneFootprintIT {

    /**
     * Loaded only when a fabric8 client, the model's mapper, any ObjectMapper that (de)serialises, or the cluster's
     * graph (the Vert.x HTTP client the monitor polls peers with, the peer view) is built, or a percentile
     * histogram: only the cluster's meters ({@code LeaderMetrics}) have them.
     */
    private static final List<String> NOT_IN_STANDALONE = List.of(
            "io.fabric8.kubernetes.api.model.Pod ",
            "io.fabric8.kubernetes.client.impl.KubernetesClientImpl ",
            "io.fabric8.kubernetes.model.jackson.UnmatchedFieldTypeModule ",
            "com.fasterxml.jackson.databind.ser.BeanSerializerFactory ",
            "com.fasterxml.jackson.databind.deser.BeanDeserializerFactory ",
            "io.vertx.core.http.impl.HttpClientImpl ",
            "dev.versionobserver.cluster.PeerView ",
            "io.micrometer.core.instrument.distribution.TimeWindowFixedBoundaryHistogram ");

    @Test
    void servingPagesVersionAndSocketsLoadsNoKubernetesClientNoDataBindingAndNoClusterGraph() throws Exception {
        Path log = Files.createTempFile(Path.of("target"), "standalone-classes", ".log");
        try (ServiceProcess pod = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(), ServiceProcess.env(),
                List.of("-Xlog:class+load=info:file=" + log))) {
            pod.awaitReady(Duration.ofSeconds(60));
            assertThat(pod.httpStatus("/")).isEqualTo(200);
            assertThat(pod.httpStatus("/version")).isEqualTo(200);
            try (WsClient socket = WsClient.connect(pod.socketUri("1.0.0"))) {
                JsonNode hello = socket.next(Duration.ofSeconds(10));
                assertThat(hello.path("type").asText()).isEqualTo("hello");
                socket.sendText("{\"type\":\"ping\"}");
                assertThat(socket.next(Duration.ofSeconds(10)).path("type").asText()).isEqualTo("pong");
            }
            String loaded = Files.readString(log);
            // The log is live: a class this test names is loaded by now if the path loads it at all.
            assertThat(loaded).as("class-loading log").contains("dev.versionobserver.json.JsonText ");
            for (String heavy : NOT_IN_STANDALONE) {
                assertThat(loaded).as("standalone start loaded " + heavy.strip()).doesNotContain(heavy);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
