package dev.versionobserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.localcluster.EmbeddedApiServer;
import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.support.ServiceProcess;
import dev.versionobserver.support.WsClient;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * "Ready" means the pod can answer promptly and truthfully: on the real process, readiness stays DOWN until the
 * informers have listed (so the published version is known), never flaps after it first reports UP, and a pod
 * that cannot reach the API becomes ready after {@code observer.cluster.sync-timeout} instead of never.
 */
class ReadinessIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void aPodIsReadyOnlyOnceItKnowsThePublishedVersionAndStaysReady() throws Exception {
        try (EmbeddedApiServer api = new EmbeddedApiServer("ready");
                KubernetesClient client = api.client()) {
            // Another pod leads for the next hour and has published 3.0.0.
            client.leases().inNamespace("ready").resource(new LeaseBuilder().withNewMetadata()
                    .withName("version-observer")
                    .addToAnnotations(LeasePublicationStore.VERSION_ANNOTATION, "3.0.0").endMetadata()
                    .withNewSpec().withHolderIdentity("someone-else").withLeaseDurationSeconds(3600)
                    .withRenewTime(ZonedDateTime.now()).withAcquireTime(ZonedDateTime.now()).endSpec().build())
                    .create();
            try (ServiceProcess pod = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(), clusterEnv(
                    api.kubeconfig(), "10s"))) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> ready(pod).status() == 200);

                // The first socket greeted after readiness hears the real published version, not "none yet".
                try (WsClient socket = WsClient.connect(pod.socketUri("1.0.0"))) {
                    JsonNode hello = socket.next(Duration.ofSeconds(10));
                    assertThat(hello.path("type").asText()).isEqualTo("hello");
                    assertThat(hello.path("published").asText()).isEqualTo("3.0.0");
                    assertThat(hello.path("stale").asBoolean()).isTrue();
                }
                assertThat(ready(pod).startup()).isEqualTo("synced");
                // Right after start is when a stalled event loop used to fail probes: none may fail now.
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(50)).until(() -> ready(pod).status() == 200);
            }
        }
    }

    @Test
    void aPodThatCannotReachTheApiServesAfterTheSyncTimeout() throws Exception {
        int closedPort = ServiceProcess.freePort();
        Path kubeconfig = Files.createTempFile("vo-unreachable", ".yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: gone
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: gone
                  context:
                    cluster: gone
                    user: gone
                current-context: gone
                users:
                - name: gone
                  user:
                    token: gone
                """.formatted(closedPort));
        try (ServiceProcess pod = ServiceProcess.start("127.0.0.1", ServiceProcess.freePort(), clusterEnv(
                kubeconfig, "6s"))) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> ready(pod).status() > 0);
            Readiness first = ready(pod);
            assertThat(first.status()).as("readiness while the informers cannot list").isEqualTo(503);
            assertThat(first.startup()).isIn("warming", "syncing");
            assertThat(pod.httpStatus("/version")).as("/version does not wait for the API").isEqualTo(200);

            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> ready(pod).status() == 200);
            assertThat(ready(pod).startup()).isEqualTo("sync_timed_out");
            assertThat(pod.output()).contains("Informers not synced within observer.cluster.sync-timeout=PT6S");
        } finally {
            Files.deleteIfExists(kubeconfig);
        }
    }

    private static Map<String, String> clusterEnv(Path kubeconfig, String syncTimeout) {
        return ServiceProcess.env("POD_NAME", "ready-pod", "POD_NAMESPACE", "ready", "APP_VERSION", "1.0.0",
                "KUBECONFIG", kubeconfig.toString(), "OBSERVER_CLUSTER_SYNC_TIMEOUT", syncTimeout);
    }

    private record Readiness(int status, String startup) {
    }

    private Readiness ready(ServiceProcess pod) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pod.baseUrl()
                    + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode checks = JSON.readTree(response.body()).path("checks");
            String startup = "";
            for (JsonNode check : checks) {
                if (check.path("name").asText().equals("serving")) {
                    startup = check.path("data").path("startup").asText();
                }
            }
            return new Readiness(response.statusCode(), startup);
        } catch (IOException e) {
            return new Readiness(-1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Readiness(-1, "");
        }
    }
}
