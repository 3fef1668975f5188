package dev.versionobserver.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.quarkus.runtime.ResettableSystemProperties;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

/**
 * The Kubernetes client of this service and how it is configured. Built here from the plain fabric8 library rather
 * than taken from the {@code quarkus-kubernetes-client} extension, for two reasons:
 * <ul>
 * <li>The extension's client runs on the application's own Vert.x instance, so every API response and watch event
 * (a Pod list, a 1 000-address Endpoints) would be decoded on an event loop that also serves {@code /version},
 * probes and sockets. On a real API server that decode blocked a serving loop for 2.6 to 7.6 s after start
 * (Jackson building the model's deserializers). Here the client gets a Vert.x instance of its own, so API traffic
 * can never stall a serving loop; {@link ModelWarmup} builds the deserializers at start-up before any informer
 * starts, so the client's own loop only ever decodes with warm deserializers (milliseconds, even at 1 000 pods).
 * <li>The extension's static-init recorder loads Jackson and registers the fabric8 model on every start, standalone
 * mode included (about 260 ms of a 2 s start here, BENCHMARKS.md 6b). Here nothing of the client, the model or its
 * Jackson mapper is loaded until a cluster-mode bean first calls the client.
 * </ul>
 * Configuration is fabric8's own, as kubectl's: in a pod, the service account (token, CA, {@code
 * KUBERNETES_SERVICE_HOST}); elsewhere {@code KUBECONFIG} or {@code ~/.kube/config}; {@code KUBERNETES_*}
 * environment variables and {@code kubernetes.*} system properties override either (e.g. {@code
 * KUBERNETES_MASTER}, {@code KUBERNETES_NAMESPACE}, {@code KUBERNETES_TRUST_CERTIFICATES}). That is also what the
 * extension did when none of its {@code quarkus.kubernetes-client.*} keys was set, which the chart never sets.
 *
 * <p>Application-scoped (client proxies), so nothing is created in standalone mode, where no bean calls it.
 */
@ApplicationScoped
public class KubernetesApi {

    private static final Logger LOG = Logger.getLogger(KubernetesApi.class);

    /** Two loops: a large list being decoded on one does not delay the Lease watch on the other. */
    static final int EVENT_LOOPS = 2;

    /**
     * The kinds a watch event may carry that this service reads typed: its Endpoints or EndpointSlices, the Lease,
     * and {@code Status} (a watch's ERROR event, e.g. 410 Gone when it expires: the client re-lists only when it
     * decodes one as a {@code Status}).
     */
    static final List<Class<? extends KubernetesResource>> TYPED_KINDS = List.of(Endpoints.class,
            EndpointSlice.class, Lease.class, Status.class);

    private final Vertx vertx = clientVertx();

    /**
     * Built as Quarkus builds the Vert.x of its own Kubernetes client when it has none to share: the JDK's name
     * resolver (as the rest of the JVM resolves), no file cache or classpath resolving (an HTTP client serves no
     * files, and the root filesystem is read-only in the chart).
     */
    private static Vertx clientVertx() {
        try (ResettableSystemProperties jdkResolver = ResettableSystemProperties.of("vertx.disableDnsResolver",
                "true")) {
            return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS).setWorkerPoolSize(1)
                    .setInternalBlockingPoolSize(1).setFileSystemOptions(new FileSystemOptions()
                            .setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        }
    }

    /**
     * The client's mapper of the API model ({@link ModelWarmup} warms it through the client). Dependent, so it is
     * built only with the client: a client proxy of this class would run its constructor, and with it Jackson's,
     * on every start.
     */
    @Produces
    @Dependent
    KubernetesSerialization serialization() {
        return serialization(new ObjectMapper());
    }

    /**
     * A serialization on {@code mapper} that knows {@link #TYPED_KINDS} only. fabric8's default registers every
     * kind of its model found on the class path, so a watch event's object is decoded as its typed class whatever
     * the operation asked for: this pod's own Pod, watched as a generic resource ({@link PeerWatcher#POD}), was
     * decoded as the whole typed Pod model first (~1.3 s of the start's model warm-up, ~10 MiB of RSS:
     * BENCHMARKS.md 6d) and then converted. Here a kind not named is decoded as a {@code
     * GenericKubernetesResource}; the typed operations' list and single-object answers are decoded by their own
     * class either way. Public for the tests' recording mapper, which must decode as the service does.
     */
    public static KubernetesSerialization serialization(ObjectMapper mapper) {
        KubernetesSerialization serialization = new KubernetesSerialization(mapper, false);
        TYPED_KINDS.forEach(serialization::registerKubernetesResource);
        return serialization;
    }

    @Produces
    @ApplicationScoped
    KubernetesClient client(KubernetesSerialization serialization) {
        warnAboutExtensionSettings();
        return new KubernetesClientBuilder()
                .withConfig(Config.autoConfigure(null))
                .withKubernetesSerialization(serialization)
                .withHttpClientFactory(new VertxHttpClientFactory(vertx))
                .build();
    }

    /**
     * Settings meant for the {@code quarkus-kubernetes-client} extension (e.g. an application that embeds the
     * library, or a configuration from before it was dropped) would be silently ignored: say so, and what to use.
     */
    private static void warnAboutExtensionSettings() {
        List<String> ignored = extensionSettings(ConfigProvider.getConfig().getPropertyNames());
        if (!ignored.isEmpty()) {
            LOG.warnf("%s not read by Version Observer's Kubernetes client, which configures itself as kubectl does:"
                    + " the pod's service account, else KUBECONFIG; KUBERNETES_* variables override (e.g."
                    + " KUBERNETES_MASTER, KUBERNETES_NAMESPACE)", String.join(", ", ignored));
        }
    }

    /**
     * The names among {@code names} that configure the Quarkus extension's client, as properties or environment
     * variables; its dev-services switch is left out (it configures no client, and embedding apps set it).
     */
    static List<String> extensionSettings(Iterable<String> names) {
        List<String> found = new ArrayList<>();
        for (String name : names) {
            String dotted = name.toLowerCase(Locale.ROOT).replace('_', '-');
            if ((dotted.startsWith("quarkus.kubernetes-client.") || dotted.startsWith("quarkus-kubernetes-client-"))
                    && !dotted.contains("devservices")) {
                found.add(name);
            }
        }
        return found;
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
        vertx.close();
    }
}
