package dev.versionobserver.localcluster;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.KubernetesClient;

/** The API server the local cluster talks to: the embedded mock, or a real one from a kubeconfig. */
interface ApiServer extends AutoCloseable {

    String url();

    Path kubeconfig();

    KubernetesClient client();

    /** Whether it validates like a real API server (rejects loopback addresses in Endpoints, needs namespaces). */
    boolean real();
}
