package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The fault suite is only as good as its faults: this proves that the API proxy passes requests through intact, and
 * that its stalls lose events, its expiries answer 410 Gone as kube-apiserver does and send fabric8 informers back
 * to a re-list, over both watch transports, and that its cut is an outage.
 */
class ApiProxyTest {

    private static final String NS = "proxy-test";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private EmbeddedApiServer api;
    private KubernetesClient direct;
    private ApiProxy proxy;
    private KubernetesClient viaProxy;

    @BeforeEach
    void start() throws Exception {
        api = new EmbeddedApiServer(NS);
        direct = api.client();
        proxy = new ApiProxy(api.url());
    }

    private KubernetesClient clientViaProxy(boolean httpWatches) {
        viaProxy = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(proxy.url())
                .withNamespace(NS).withOnlyHttpWatches(httpWatches).withWatchReconnectInterval(100)
                .withRequestRetryBackoffLimit(0).build()).build();
        return viaProxy;
    }

    @AfterEach
    void stop() throws Exception {
        if (viaProxy != null) {
            viaProxy.close();
        }
        proxy.close();
        direct.close();
        api.close();
    }

    private ConfigMap create(String name) {
        return direct.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .endMetadata().withData(Map.of("k", name)).build()).create();
    }

    private long currentResourceVersion() {
        return Long.parseLong(direct.configMaps().inNamespace(NS).list().getMetadata().getResourceVersion());
    }

    @Test
    void requestsPassThroughWithTheirStatusAndBody() {
        KubernetesClient client = clientViaProxy(false);
        ConfigMap created = client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("a").endMetadata().withData(Map.of("k", "v")).build()).create();
        assertThat(direct.configMaps().inNamespace(NS).withName("a").get().getData()).containsEntry("k", "v");

        client.configMaps().inNamespace(NS).withName("a").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "w")
                .build());
        created.getData().put("k", "stale");
        assertThatThrownBy(() -> client.resource(created).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(client.configMaps().inNamespace(NS).withName("missing").get()).isNull();
    }

    @Test
    void aHeldWriteLandsAtOnceAndIsAnsweredOnlyWhenReleasedWhileRefusedOnesPassUnheld() throws Exception {
        KubernetesClient client = clientViaProxy(false);
        ConfigMap stale = create("held");
        ConfigMap current = direct.configMaps().inNamespace(NS).withName("held")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("k", "moved").build());
        ApiProxy.HeldAnswer held = proxy.holdAnswerToNextWrite("\"marked\"");

        stale.getData().put("k", "marked");
        assertThatThrownBy(() -> client.resource(stale).update()).as("a refused write is answered at once")
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(held.landed()).isFalse();

        current.getData().put("k", "marked");
        CompletableFuture<ConfigMap> answer = CompletableFuture.supplyAsync(() -> client.resource(current).update());
        await().atMost(WAIT).until(held::landed);
        assertThat(direct.configMaps().inNamespace(NS).withName("held").get().getData()).containsEntry("k", "marked");
        assertThat(answer).as("answer held").isNotDone();
        held.release();
        assertThat(answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).getData()).containsEntry("k", "marked");
    }

    @ParameterizedTest(name = "HTTP-streamed watches: {0}, expiry announced: {1}")
    @CsvSource({"false, true", "false, false", "true, true", "true, false"})
    void aStalledWatchLosesItsEventsAndTheExpiryMakesTheInformerReListAndCatchUp(boolean httpWatches,
            boolean announce) {
        SharedIndexInformer<ConfigMap> informer = clientViaProxy(httpWatches).configMaps().inNamespace(NS)
                .inform();
        try {
            create("before");
            await().atMost(WAIT).until(() -> informer.getStore().getByKey(NS + "/before") != null);
            long lists = proxy.lists("configmaps");

            proxy.stallWatches(path -> path.endsWith("/configmaps"));
            create("during");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> informer.getStore().getByKey(NS + "/during") == null);

            assertThat(proxy.expireWatches(currentResourceVersion(), announce)).as("live watches ended").isEqualTo(1);
            await().atMost(WAIT).until(() -> informer.getStore().getByKey(NS + "/during") != null);
            assertThat(proxy.goneAnswers()).as("410 Gone answers").isPositive();
            assertThat(proxy.lists("configmaps")).as("re-lists").isGreaterThan(lists);

            create("after"); // and the new watch delivers again
            await().atMost(WAIT).until(() -> informer.getStore().getByKey(NS + "/after") != null);
        } finally {
            informer.stop();
        }
    }

    @ParameterizedTest(name = "HTTP-streamed watch: {0}")
    @ValueSource(booleans = {false, true})
    void aWatchFromACompactedResourceVersionIsToldGone(boolean httpWatches) throws Exception {
        String old = create("a").getMetadata().getResourceVersion();
        create("b");
        proxy.expireWatches(currentResourceVersion(), true);
        CompletableFuture<WatcherException> closed = new CompletableFuture<>();
        try (Watch watch = clientViaProxy(httpWatches).configMaps().inNamespace(NS).withResourceVersion(old)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        closed.complete(cause);
                    }
                })) {
            WatcherException cause = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(cause.isHttpGone()).as("410 Gone: " + cause.getMessage()).isTrue();
            assertThat(cause.getMessage()).contains("too old resource version: " + old);
        }
    }

    @Test
    void manyWatchesOpeningAtOnceAllStartAndDeliver() {
        // Pods start together: their informers open watches at the same moment, each handshake held until the
        // upstream watch is open.
        KubernetesClient client = clientViaProxy(false);
        List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                informers.add(client.configMaps().inNamespace(NS).runnableInformer(0));
            }
            informers.forEach(SharedIndexInformer::start);
            await().atMost(WAIT).until(() -> informers.stream().allMatch(SharedIndexInformer::isWatching));
            create("seen-by-all");
            await().atMost(WAIT).until(() -> informers.stream()
                    .allMatch(i -> i.getStore().getByKey(NS + "/seen-by-all") != null));
        } finally {
            informers.forEach(SharedIndexInformer::stop);
        }
    }

    @Test
    void aCutRefusesEveryRequestAndSilencesWatchesUntilRestored() {
        KubernetesClient client = clientViaProxy(false);
        create("a");
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(NS).inform();
        try {
            await().atMost(WAIT).until(() -> informer.getStore().getByKey(NS + "/a") != null);
            proxy.cut();
            assertThatThrownBy(() -> client.configMaps().inNamespace(NS).withName("a").get())
                    .isInstanceOf(KubernetesClientException.class);
            create("during-the-cut");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> informer.getStore().getByKey(NS + "/during-the-cut") == null);
            proxy.restore();
            await().atMost(WAIT).ignoreExceptions()
                    .until(() -> client.configMaps().inNamespace(NS).withName("a").get() != null);
            await().atMost(WAIT).until(() -> informer.getStore().getByKey(NS + "/during-the-cut") != null);
        } finally {
            informer.stop();
        }
    }
}
