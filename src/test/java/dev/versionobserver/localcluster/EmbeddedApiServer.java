package dev.versionobserver.localcluster;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * fabric8's mock API server in CRUD mode, standalone on loopback, plus a kubeconfig that points at it. It has no
 * controllers, admission or address validation: {@link LocalCluster} plays those parts with standard objects.
 */
public final class EmbeddedApiServer implements ApiServer {

    /** Held so the level sticks: JUL keeps loggers only weakly. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final Path kubeconfig;
    private final String url;

    public EmbeddedApiServer(String namespace) throws IOException {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // it logs every request at INFO
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        url = server.url("/").replaceAll("/$", "");
        kubeconfig = Files.createTempFile("vo-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster:
                    server: %s
                contexts:
                - name: local
                  context:
                    cluster: local
                    namespace: %s
                    user: local
                current-context: local
                users:
                - name: local
                  user:
                    token: local
                """.formatted(url, namespace));
    }

    /** Requests the server has received so far (a watch counts once, when it starts). */
    public int requestCount() {
        return server.getRequestCount();
    }

    @Override
    public boolean real() {
        return false;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public KubernetesClient client() {
        return server.createClient();
    }

    @Override
    public void close() throws IOException {
        server.destroy();
        Files.deleteIfExists(kubeconfig);
    }
}
