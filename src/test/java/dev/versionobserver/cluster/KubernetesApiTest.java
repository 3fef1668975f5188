package dev.versionobserver.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class KubernetesApiTest {

    @Test
    void namesTheExtensionsClientSettingsAsPropertiesOrEnvironmentVariables() {
        assertThat(KubernetesApi.extensionSettings(List.of("quarkus.kubernetes-client.api-server-url",
                "QUARKUS_KUBERNETES_CLIENT_NAMESPACE", "quarkus.kubernetes-client.trust-certs")))
                .containsExactly("quarkus.kubernetes-client.api-server-url", "QUARKUS_KUBERNETES_CLIENT_NAMESPACE",
                        "quarkus.kubernetes-client.trust-certs");
    }

    @Test
    void leavesOutDevServicesAndEverythingElse() {
        assertThat(KubernetesApi.extensionSettings(List.of("quarkus.kubernetes-client.devservices.enabled",
                "QUARKUS_KUBERNETES_CLIENT_DEVSERVICES_ENABLED", "quarkus.kubernetes.namespace", "KUBERNETES_MASTER",
                "observer.cluster.mode", "quarkus.http.port"))).isEmpty();
    }
}
