package dev.versionobserver.monitor;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import dev.versionobserver.cluster.ApiCallFailed;
import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.publication.PublishOutcome;
import dev.versionobserver.version.AppVersion;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The write of a converged version into the Lease. Whether it is written at all (it supersedes the published one)
 * is {@code PublicationPolicy}'s decision, taken by {@link LeasePublicationStore#publish} against the Lease as read
 * for the write, which is fenced by the Lease's resourceVersion and the holder: a leader that lost the Lease
 * meanwhile gets {@link PublishOutcome#NOT_LEADER}, never a write. API errors are retried with backoff (five
 * times), each reported as an {@link ApiCallFailed} event. The blocking client call runs on a worker thread.
 */
@Singleton
public class Publisher {

    private static final int RETRIES = 5;

    private final LeasePublicationStore store;
    private final MonitorConfig config;
    private final Event<ApiCallFailed> apiFailures;

    public Publisher(LeasePublicationStore store, MonitorConfig config, Event<ApiCallFailed> apiFailures) {
        this.store = store;
        this.config = config;
        this.apiFailures = apiFailures;
    }

    /** Completes with the outcome, or exceptionally once the retries are spent. */
    CompletionStage<PublishOutcome> publish(AppVersion version) {
        return Uni.createFrom().item(() -> store.publish(version))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(() -> apiFailures.fire(new ApiCallFailed(ApiCallFailed.Operation.PUBLISH)))
                .onFailure(KubernetesClientException.class).retry()
                .withBackOff(config.retryInitial(), config.retryMax()).withJitter(0.5).atMost(RETRIES)
                .subscribeAsCompletionStage();
    }
}
