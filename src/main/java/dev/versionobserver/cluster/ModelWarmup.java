package dev.versionobserver.cluster;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EndpointsList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Builds the Jackson (de)serializers of every API type this service reads or writes, on the calling (startup)
 * thread, before any informer or the election starts. Building them is a one-off cost of seconds on a cold JVM
 * (the Pod model alone reaches hundreds of classes); paid here, the client's event loop decodes every later list
 * and watch event with warm deserializers. Jackson builds a type's whole property tree on first use, so one small
 * document per type is enough.
 */
@Singleton
public class ModelWarmup {

    private static final Logger LOG = Logger.getLogger(ModelWarmup.class);

    /**
     * Each object kind a watch event carries (the list types are in {@link #warm()}: see there). The Pod decodes as
     * a generic resource ({@link KubernetesApi#serialization(com.fasterxml.jackson.databind.ObjectMapper)}); the
     * Status is a watch's ERROR event, so the first expired watch re-lists with warm deserializers too.
     */
    private static final List<String> WATCHED = List.of(
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{"
                    + "\"name\":\"c\"}]},\"status\":{\"podIP\":\"10.0.0.1\"}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"e\"},\"subsets\":[{"
                    + "\"addresses\":[{\"ip\":\"10.0.0.1\",\"targetRef\":{\"kind\":\"Pod\",\"name\":\"p\"}}],"
                    + "\"ports\":[{\"name\":\"http\",\"port\":8080}]}]}",
            "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"s\"},"
                    + "\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.0.0.1\"],\"conditions\":{"
                    + "\"ready\":true,\"serving\":true,\"terminating\":false}}],\"ports\":[{\"port\":8080}]}",
            "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"l\","
                    + "\"annotations\":{\"a\":\"b\"}},\"spec\":{\"holderIdentity\":\"p\",\"leaseDurationSeconds\":15,"
                    + "\"acquireTime\":\"2026-01-01T00:00:00.000000Z\",\"renewTime\":\"2026-01-01T00:00:00.000000Z\"}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410,"
                    + "\"message\":\"too old resource version\"}");

    private final KubernetesClient client;

    public ModelWarmup(KubernetesClient client) {
        this.client = client;
    }

    /** Warms every type and says how long it took; blocking, never for an event loop. */
    public Duration warm() {
        long started = System.nanoTime();
        // The mapper the client decodes with (deserializers are cached per mapper). The list types are named here,
        // not in a static field, so that standalone mode, which never calls this, never loads them.
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        for (Class<? extends KubernetesResource> list : List.of(GenericKubernetesResourceList.class,
                EndpointsList.class, EndpointSliceList.class, LeaseList.class)) {
            serialization.unmarshal("{\"items\":[]}", list);
        }
        for (String object : WATCHED) {
            WatchEvent event = serialization.unmarshal("{\"type\":\"ADDED\",\"object\":" + object + "}",
                    WatchEvent.class);
            // The write path too: the election and the publication send Leases.
            serialization.asJson(event.getObject());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.debugf("Kubernetes model warmed in %d ms", took.toMillis());
        return took;
    }
}
