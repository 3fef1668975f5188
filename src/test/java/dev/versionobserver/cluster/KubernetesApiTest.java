package dev.versionobserver.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

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

    @Test
    void watchEventsCarryTheTypedKindsTypedAndThePodAsAGenericResourceWithItsMetadata() {
        KubernetesSerialization serialization = KubernetesApi.serialization(new ObjectMapper());
        assertThat(objectOf(serialization,
                "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"e\"}}"))
                .isInstanceOf(Endpoints.class);
        assertThat(objectOf(serialization, "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\","
                + "\"metadata\":{\"name\":\"s\"},\"addressType\":\"IPv4\",\"endpoints\":[]}"))
                .isInstanceOf(EndpointSlice.class);
        assertThat(objectOf(serialization, "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                + "\"metadata\":{\"name\":\"l\"},\"spec\":{\"holderIdentity\":\"p\"}}")).isInstanceOf(Lease.class);

        Object pod = objectOf(serialization, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                + "\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        assertThat(pod).isExactlyInstanceOf(GenericKubernetesResource.class);
        assertThat(((GenericKubernetesResource) pod).getMetadata().getDeletionTimestamp())
                .isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void anExpiredWatchsErrorEventIsAStatusSoTheClientReLists() {
        KubernetesSerialization serialization = KubernetesApi.serialization(new ObjectMapper());
        WatchEvent error = serialization.unmarshal("{\"type\":\"ERROR\",\"object\":{\"apiVersion\":\"v1\","
                + "\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410}}", WatchEvent.class);
        assertThat(error.getObject()).isInstanceOfSatisfying(Status.class,
                status -> assertThat(status.getCode()).isEqualTo(410));
    }

    private static Object objectOf(KubernetesSerialization serialization, String object) {
        return serialization.unmarshal("{\"type\":\"ADDED\",\"object\":" + object + "}", WatchEvent.class)
                .getObject();
    }
}
