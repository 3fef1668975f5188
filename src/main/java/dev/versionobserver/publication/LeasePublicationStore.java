package dev.versionobserver.publication;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.versionobserver.cluster.ApiCallFailed;
import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.leader.LeaderConfig;
import dev.versionobserver.leader.LeaseObserved;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.PublicationPolicy;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Keeps the published version in annotations of the election Lease, and follows it on every pod.
 *
 * <p><b>Why a leader that lost the Lease cannot publish.</b> A publication is an update of the Lease object
 * itself, carrying the resourceVersion of the copy in which this pod read itself as holder. Taking the Lease over
 * is also an update of that object (holderIdentity changes), and every update changes the resourceVersion. So if
 * anyone acquired the Lease after our read, the API server rejects our write with 409 Conflict; we then re-read,
 * find another holder and give up. No clock is involved: this holds however skewed the pods' clocks are, which the
 * election alone cannot promise. The price: our own renewals also change the resourceVersion, so a publication
 * racing a renewal is retried (and the renewal may see one 409, which fabric8 retries within the renew deadline).
 *
 * <p>Followers learn the value through an informer on that one Lease (field selector on its name), so a pod that
 * starts late, or reconnects after an API outage, gets the current value from the list.
 */
@Singleton
public class LeasePublicationStore {

    private static final Logger LOG = Logger.getLogger(LeasePublicationStore.class);

    public static final String VERSION_ANNOTATION = "version-observer.dev/published-version";
    public static final String AT_ANNOTATION = "version-observer.dev/published-at";
    public static final String BY_ANNOTATION = "version-observer.dev/published-by";

    /** Conflicts with our own renewals are expected; more than this many in a row means something else. */
    private static final int MAX_CONFLICT_RETRIES = 5;

    private final KubernetesClient client;
    private final ClusterMode mode;
    private final String leaseName;
    private final String identity;
    private final PublicationPolicy policy;
    private final PublishedVersion published;
    private final Event<ApiCallFailed> apiFailures;
    private final Event<LeaseObserved> observed;
    private volatile SharedIndexInformer<Lease> informer;
    private volatile Map<String, String> lastAnnotations = Map.of();

    public LeasePublicationStore(KubernetesClient client, ClusterMode mode, LeaderConfig leader, PodIdentity pod,
            PublicationPolicy policy, PublishedVersion published, Event<ApiCallFailed> apiFailures,
            Event<LeaseObserved> observed) {
        this.observed = observed;
        this.client = client;
        this.mode = mode;
        this.leaseName = leader.leaseName();
        this.identity = pod.name();
        this.policy = policy;
        this.published = published;
        this.apiFailures = apiFailures;
    }

    /**
     * Starts following the Lease (cluster mode only; called once by the start-up sequence). Completes when the
     * first list has been read, i.e. when this pod knows the published version if there is one.
     */
    public CompletableFuture<Void> start() {
        informer = client.leases().inNamespace(mode.namespace()).withName(leaseName).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease lease) {
                follow(lease);
            }

            @Override
            public void onUpdate(Lease oldLease, Lease newLease) {
                follow(newLease);
            }

            @Override
            public void onDelete(Lease lease, boolean deletedFinalStateUnknown) {
                // The published version stays what it was: a deleted Lease is re-created by the next election.
            }
        });
        informer.exceptionHandler((started, t) -> {
            apiFailures.fire(new ApiCallFailed(ApiCallFailed.Operation.LIST_WATCH));
            return true;
        });
        return informer.start().toCompletableFuture();
    }

    private void follow(Lease lease) {
        LeaseSpec spec = lease.getSpec();
        observed.fire(new LeaseObserved(spec == null ? null : spec.getHolderIdentity(),
                Duration.ofSeconds(spec == null || spec.getLeaseDurationSeconds() == null ? 0
                        : spec.getLeaseDurationSeconds())));
        Map<String, String> annotations = lease.getMetadata().getAnnotations();
        lastAnnotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        readVersion(lease).ifPresent(published::observe);
    }

    /** When and by whom the current version was published, as last seen on the Lease (empty if unknown). */
    public Map<String, String> publicationDetails() {
        Map<String, String> details = new HashMap<>();
        Optional.ofNullable(lastAnnotations.get(AT_ANNOTATION)).ifPresent(v -> details.put("at", v));
        Optional.ofNullable(lastAnnotations.get(BY_ANNOTATION)).ifPresent(v -> details.put("by", v));
        return details;
    }

    /** The version in a Lease's annotations; a malformed one (hand-edited) is logged and ignored. */
    static Optional<AppVersion> readVersion(Lease lease) {
        Map<String, String> annotations = lease == null ? null : lease.getMetadata().getAnnotations();
        String text = annotations == null ? null : annotations.get(VERSION_ANNOTATION);
        if (text == null) {
            return Optional.empty();
        }
        AppVersion version = AppVersion.tryParse(text);
        if (version == null) {
            LOG.warnf("Ignoring malformed %s annotation on Lease %s: %s", VERSION_ANNOTATION,
                    lease.getMetadata().getName(), text.length() > 40 ? text.substring(0, 40) + "…" : text);
        }
        return Optional.ofNullable(version);
    }

    /**
     * Publishes {@code version} if this pod holds the Lease and the Lease carries no version yet (the baseline) or
     * one incompatible with it. Blocking: call from a worker thread.
     *
     * @throws KubernetesClientException when the API fails in another way than a conflict (caller retries)
     */
    public PublishOutcome publish(AppVersion version) {
        for (int attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
            Lease lease = client.leases().inNamespace(mode.namespace()).withName(leaseName).get();
            if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return PublishOutcome.NOT_LEADER;
            }
            Optional<AppVersion> current = readVersion(lease);
            if (!policy.supersedes(current, version)) {
                return PublishOutcome.UNCHANGED;
            }
            try {
                write(lease, version);
                LOG.infof("Published version %s (was %s) in Lease %s", version,
                        current.map(AppVersion::toString).orElse("none: baseline"), leaseName);
                return PublishOutcome.PUBLISHED;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                LOG.debugf("Lease %s changed while publishing %s (attempt %d), re-reading", leaseName, version,
                        attempt + 1);
            }
        }
        throw new KubernetesClientException("Lease " + leaseName + " kept changing while publishing " + version);
    }

    /**
     * Writes the annotations with the resourceVersion of {@code readWhileHolder}: rejected with 409 if the Lease
     * changed since, in particular if another pod took it over.
     */
    void write(Lease readWhileHolder, AppVersion version) {
        Map<String, String> annotations = new HashMap<>(Optional.ofNullable(
                readWhileHolder.getMetadata().getAnnotations()).orElse(Map.of()));
        annotations.put(VERSION_ANNOTATION, version.toString());
        annotations.put(AT_ANNOTATION, Instant.now().toString());
        annotations.put(BY_ANNOTATION, identity);
        readWhileHolder.getMetadata().setAnnotations(annotations);
        // update() is a PUT that carries metadata.resourceVersion: optimistic concurrency on the API server.
        client.resource(readWhileHolder).update();
    }

    /** Stops watching the Lease (shutdown, last step of lifecycle.ShutdownSequence). */
    public void stop() {
        if (informer != null) {
            informer.stop();
        }
    }
}
