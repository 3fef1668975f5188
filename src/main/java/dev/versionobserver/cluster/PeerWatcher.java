package dev.versionobserver.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Keeps the current {@link PeerView} from informers (never polling the API): one on the Service's Endpoints (or
 * its EndpointSlices), which alone make the view, and one on this pod's own Pod object, which tells it that it is
 * being deleted ({@link PodLeaving}). Not one on all the app's pods: at N pods that is N watchers of N pods each
 * (every pod's status change sent to every pod, N cached Pods per pod), and the Endpoints already carry every
 * change of readiness and membership. Informers start without
 * blocking start-up and retry by themselves when the API is unreachable, and re-list after an expired watch;
 * handlers recompute the view from the informer cache, so replayed or coalesced events are harmless.
 */
@Singleton
public class PeerWatcher {

    private static final Logger LOG = Logger.getLogger(PeerWatcher.class);

    /**
     * This pod's own Pod, read as a generic resource: only its metadata is used (the deletion timestamp), and the
     * typed Pod model is hundreds of classes whose deserializers took ~1.3 s of the model warm-up
     * ({@link KubernetesApi#serialization(com.fasterxml.jackson.databind.ObjectMapper)}). Described by the model's
     * own annotations (the Pod class itself is loaded either way; its decoders are what cost), so the client needs
     * no API discovery to find the resource.
     */
    static final ResourceDefinitionContext POD = ResourceDefinitionContext.fromResourceType(Pod.class);

    private final KubernetesClient client;
    private final ClusterConfig config;
    private final ClusterMode mode;
    private final Event<ApiCallFailed> apiFailures;
    private final AtomicReference<PeerView> view = new AtomicReference<>(PeerView.UNKNOWN);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> synced = new CopyOnWriteArrayList<>();
    private final String identity;
    private final Event<PodLeaving> leaving;
    private final AtomicBoolean left = new AtomicBoolean();
    private volatile SharedIndexInformer<Endpoints> endpoints;
    private volatile SharedIndexInformer<EndpointSlice> slices;

    public PeerWatcher(KubernetesClient client, ClusterConfig config, ClusterMode mode, Event<ApiCallFailed> apiFailures,
            PodIdentity pod, Event<PodLeaving> leaving) {
        this.client = client;
        this.config = config;
        this.mode = mode;
        this.apiFailures = apiFailures;
        this.identity = pod.name();
        this.leaving = leaving;
    }

    /**
     * Starts the informers (cluster mode only; called once by the start-up sequence after {@link ModelWarmup}).
     * The result completes when every informer has listed once; informers retry by themselves until then.
     */
    public CompletableFuture<Void> start() {
        String ns = mode.namespace();
        if (config.discovery() == ClusterConfig.Discovery.ENDPOINT_SLICES) {
            slices = start(client.discovery().v1().endpointSlices().inNamespace(ns)
                    .withLabel("kubernetes.io/service-name", config.serviceName()).runnableInformer(0));
        } else {
            endpoints = start(client.endpoints().inNamespace(ns).withName(config.serviceName()).runnableInformer(0));
        }
        if (config.podSelector().isPresent()) {
            LOG.warn("observer.cluster.pod-selector is set but no longer used (each pod watches only its own Pod;"
                    + " the Endpoints say which pods serve): remove it");
        }
        // By name: a metadata.name field selector, so the API server sends this pod's changes only.
        SharedIndexInformer<GenericKubernetesResource> self = client.genericKubernetesResources(POD).inNamespace(ns)
                .withName(identity).runnableInformer(0);
        start(self, this::checkSelf);
        LOG.infof("Watching %s of service %s and this pod (%s) in namespace %s",
                config.discovery() == ClusterConfig.Discovery.ENDPOINT_SLICES ? "EndpointSlices" : "Endpoints",
                config.serviceName(), identity, ns);
        return CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new));
    }

    private <T> SharedIndexInformer<T> start(SharedIndexInformer<T> informer) {
        return start(informer, object -> {
        });
    }

    /** Starts an informer whose every event recomputes the view, after {@code each} has seen the object. */
    private <T> SharedIndexInformer<T> start(SharedIndexInformer<T> informer, Consumer<T> each) {
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                each.accept(obj);
                changed();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                each.accept(newObj);
                changed();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                each.accept(obj);
                changed();
            }
        });
        // Keep retrying list/watch for as long as the API is unreachable instead of giving up after one try.
        informer.exceptionHandler((started, t) -> {
            LOG.debugf("Informer list/watch failed (started=%s), retrying: %s", started, t.toString());
            apiFailures.fire(new ApiCallFailed(ApiCallFailed.Operation.LIST_WATCH));
            return true;
        });
        synced.add(informer.start().toCompletableFuture().whenComplete((ok, error) -> {
            if (error == null) {
                changed();
            }
        }));
        informers.add(informer);
        return informer;
    }

    /** Fires {@link PodLeaving} once, the first time this pod's own Pod is seen deleted or being deleted. */
    private void checkSelf(GenericKubernetesResource pod) {
        if (identity.equals(pod.getMetadata().getName()) && pod.getMetadata().getDeletionTimestamp() != null
                && left.compareAndSet(false, true)) {
            LOG.infof("This pod (%s) is being deleted (deletionTimestamp %s)", identity,
                    pod.getMetadata().getDeletionTimestamp());
            leaving.fire(new PodLeaving(identity));
        }
    }

    /**
     * Recomputes the view from the informer caches. Synchronized because the Endpoints and Pod informers call
     * it from different threads: unsynchronized, a slower thread could overwrite a newer view with an older one.
     */
    private synchronized void changed() {
        PeerView next = compute();
        PeerView previous = view.getAndSet(next);
        if (next.truncated() && (previous == null || !previous.truncated())) {
            LOG.warnf("Endpoints of %s are truncated at 1000 addresses: set observer.cluster.discovery="
                    + "endpoint-slices to see every pod", config.serviceName());
        }
        listeners.forEach(Runnable::run);
    }

    private PeerView compute() {
        if (slices != null) {
            return slices.hasSynced() ? EndpointSlicePeers.from(slices.getStore().list(), config.portName())
                    : PeerView.UNKNOWN;
        }
        if (endpoints != null && endpoints.hasSynced()) {
            List<Endpoints> list = endpoints.getStore().list();
            return EndpointsPeers.from(list.isEmpty() ? null : list.get(0), config.portName());
        }
        return PeerView.UNKNOWN;
    }

    /** The latest view; {@link PeerView#UNKNOWN} until the informers have synced. */
    public PeerView view() {
        return view.get();
    }

    /** Calls {@code listener} (on an informer thread, so it must be quick) after every change of pods or peers. */
    public AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Stops the informers (shutdown, last step of lifecycle.ShutdownSequence). */
    public void stop() {
        informers.forEach(SharedIndexInformer::stop);
    }
}
