package dev.versionobserver.localcluster;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real API server named by a kubeconfig. Nothing runs on its nodes: the harness creates pods bound to a
 * placeholder node and writes their status itself, and writes the Endpoints of a selector-less Service, so no
 * kubelet or controller of that cluster acts on them.
 */
final class ExternalApiServer implements ApiServer {

    private final Path kubeconfig;
    private final Config config;

    ExternalApiServer(Path kubeconfig) throws java.io.IOException {
        this.kubeconfig = kubeconfig.toAbsolutePath();
        this.config = Config.fromKubeconfig(java.nio.file.Files.readString(this.kubeconfig));
    }

    @Override
    public String url() {
        return config.getMasterUrl();
    }

    @Override
    public Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Override
    public boolean real() {
        return true;
    }

    @Override
    public void close() {
        // the cluster is not ours to stop
    }
}
