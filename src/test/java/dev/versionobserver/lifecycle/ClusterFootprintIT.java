package dev.versionobserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.versionobserver.localcluster.EmbeddedApiServer;
import dev.versionobserver.support.FakeCluster;
import dev.versionobserver.support.ServiceProcess;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A cluster pod decodes its own Pod as a generic resource and never builds the typed Pod model (hundreds of
 * classes, ~1.3 s of the start's model warm-up and ~10 MiB of RSS, BENCHMARKS.md 6d): on the packaged jar, joining
 * (warm-up, informers, the election) and then seeing its own Pod deleted, which it must still notice. Proven from
 * the JVM's class-loading log, so a change that decodes a Pod typed again (a typed informer, fabric8's default
 * registration of every kind) fails here.
 */
class ClusterFootprintIT {

    private static final String NS = "footprint";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aClusterPodNoticesItsOwnDeletionWithoutEverLoadingTheTypedPodModel() throws Exception {
        Path log = Files.createTempFile(Path.of("target"), "cluster-classes", ".log");
        try (EmbeddedApiServer api = new EmbeddedApiServer(NS);
                KubernetesClient client = api.client()) {
            FakeCluster cluster = new FakeCluster(client, NS, "version-observer", "version-observer");
            int port = ServiceProcess.freePort();
            cluster.addPod("footprint-0", "127.0.0.1", port);
            try (ServiceProcess pod = ServiceProcess.start("127.0.0.1", port, ServiceProcess.env("POD_NAME",
                    "footprint-0", "POD_NAMESPACE", NS, "APP_VERSION", "1.0.0", "KUBECONFIG",
                    api.kubeconfig().toString()), List.of("-Xlog:class+load=info:file=" + log))) {
                pod.awaitReady(WAIT);
                cluster.setReady("footprint-0", true);
                cluster.beginTermination("footprint-0");
                await().atMost(WAIT).until(() -> pod.output().contains("This pod (footprint-0) is being deleted"));

                String loaded = Files.readString(log);
                // The log is live and the path under test ran: its own Pod was decoded, generic.
                assertThat(loaded).as("class-loading log")
                        .contains("io.fabric8.kubernetes.api.model.GenericKubernetesResource ")
                        .contains("io.fabric8.kubernetes.api.model.Endpoints ");
                // Pod, PodSpec and PodStatus themselves are loaded either way (the client's classes name them in
                // their signatures); the model behind them is loaded only by Jackson building a typed Pod's decoder.
                for (String typedPod : List.of("io.fabric8.kubernetes.api.model.Container ",
                        "io.fabric8.kubernetes.api.model.ContainerStatus ", "io.fabric8.kubernetes.api.model.Volume ",
                        "io.fabric8.kubernetes.api.model.Probe ", "io.fabric8.kubernetes.api.model.PodCondition ")) {
                    assertThat(loaded).as("cluster pod loaded " + typedPod.strip()).doesNotContain(typedPod);
                }
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
