package dev.versionobserver.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

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
 * The Kubernetes client of this service, replacing the Quarkus default bean for one reason: the default one runs
 * on the application's own Vert.x instance, so every API response and watch event (a Pod list, a 1 000-address
 * Endpoints) is decoded on an event loop that also serves {@code /version}, probes and sockets. On a real API
 * server that decode blocked a serving loop for 2.6 to 7.6 s after start (Jackson building the model's
 * deserializers). Here the client gets a Vert.x instance of its own, so API traffic can never stall a serving loop;
 * {@link ModelWarmup} builds the deserializers on a worker before any informer starts, so the client's own loop
 * only ever decodes with warm deserializers (milliseconds, even at 1 000 pods).
 *
 * <p>Application-scoped (a client proxy), so nothing is created in standalone mode, where no bean calls it.
 */
@ApplicationScoped
public class KubernetesApi {

    /** Two loops: a large list being decoded on one does not delay the Lease watch on the other. */
    static final int EVENT_LOOPS = 2;

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

    @Produces
    @ApplicationScoped
    KubernetesClient client(Config config, KubernetesSerialization serialization) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withKubernetesSerialization(serialization)
                .withHttpClientFactory(new VertxHttpClientFactory(vertx))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
        vertx.close();
    }
}
