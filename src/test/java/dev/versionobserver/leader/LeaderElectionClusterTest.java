package dev.versionobserver.leader;

import static dev.versionobserver.support.ClusterProfile.LEASE;
import static dev.versionobserver.support.ClusterProfile.NAMESPACE;
import static dev.versionobserver.support.ClusterProfile.POD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.publication.PublishOutcome;
import dev.versionobserver.publication.PublicationTestAccess;
import dev.versionobserver.support.ClusterProfile;
import dev.versionobserver.version.AppVersion;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Election and fencing, with the test playing the other pods: it takes the Lease over (as a new leader's elector
 * would, by updating holder and renew time), releases it, or lets it expire.
 */
@WithKubernetesTestServer(crud = true)
@QuarkusTest
@TestProfile(ClusterProfile.class)
class LeaderElectionClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    LeaderElection election;

    @Inject
    LeasePublicationStore store;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void thisPodLeads() {
        await().atMost(WAIT).until(() -> election.isLeader());
    }

    private Lease lease() {
        return client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    }

    /** What another pod's elector writes when it takes the Lease (its resourceVersion check included). */
    private void takeOver(String holder, int durationSeconds) {
        editLease(lease -> {
            lease.getSpec().setHolderIdentity(holder);
            lease.getSpec().setLeaseDurationSeconds(durationSeconds);
            lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
            lease.getSpec().setAcquireTime(ZonedDateTime.now(ZoneOffset.UTC));
            return lease;
        });
    }

    /** What a releasing holder writes. */
    private void release() {
        editLease(lease -> {
            lease.getSpec().setHolderIdentity(null);
            return lease;
        });
    }

    /**
     * An edit is a read and a write with that resourceVersion; racing the app's renewals it can get 409, and
     * then, like any client, it reads again and retries.
     */
    private void editLease(java.util.function.UnaryOperator<Lease> change) {
        await().atMost(WAIT).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
            client.leases().inNamespace(NAMESPACE).withName(LEASE).edit(change);
            return true;
        });
    }

    @Test
    void aDeposedLeadersWriteIsRejectedWithConflictAndItDoesNotPublish() {
        Lease readWhileLeader = lease();
        assertThat(readWhileLeader.getSpec().getHolderIdentity()).isEqualTo(POD);

        takeOver("pod-z", 600);

        assertThatThrownBy(() -> PublicationTestAccess.write(store, readWhileLeader, AppVersion.parse("99.0.0")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(store.publish(AppVersion.parse("99.0.0"))).isEqualTo(PublishOutcome.NOT_LEADER);
        assertThat(lease().getMetadata().getAnnotations())
                .doesNotContainEntry(LeasePublicationStore.VERSION_ANNOTATION, "99.0.0");

        // The elector notices at its next renewal and stops leading; hand the Lease back for the other tests.
        await().atMost(WAIT).until(() -> !election.isLeader());
        release();
    }

    @Test
    void takesOverWhenTheHolderReleasesLongBeforeItsLeaseWouldExpire() {
        takeOver("pod-z", 600);
        await().atMost(WAIT).until(() -> !election.isLeader());
        assertThat(election.leader()).isEqualTo("pod-z");

        // pod-z shuts down gracefully: release-on-cancel clears the holder.
        release();

        // pod-z's lease had 10 minutes to run, so only the release can explain the takeover within WAIT.
        await().atMost(WAIT).until(() -> election.isLeader());
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(POD);
    }

    @Test
    void takesOverAfterACrashedHoldersLeaseExpires() {
        int transitionsBefore = lease().getSpec().getLeaseTransitions();
        takeOver("pod-crashed", 1);
        await().atMost(WAIT).until(() -> !election.isLeader());

        // pod-crashed never renews: after its 1 s lease, this pod's next term acquires the Lease again.
        await().atMost(WAIT).until(() -> election.isLeader());
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(POD);
        assertThat(lease().getSpec().getLeaseTransitions()).isGreaterThan(transitionsBefore);
    }

    /**
     * The store applies the compatibility rule to what the Lease says at the moment of the write; it is the only
     * place that decides whether to write (the monitor asks it once per converged version and term). Removing that
     * check makes the 2.1.0 write land and this test fail.
     */
    @Test
    void theStoreDoesNotWriteAVersionCompatibleWithThePublishedOne() {
        editLease(lease -> {
            Map<String, String> annotations = new HashMap<>(Objects.requireNonNullElse(
                    lease.getMetadata().getAnnotations(), Map.of()));
            annotations.put(LeasePublicationStore.VERSION_ANNOTATION, "2.0.0");
            annotations.put(LeasePublicationStore.AT_ANNOTATION, "set-by-the-test");
            lease.getMetadata().setAnnotations(annotations);
            return lease;
        });

        assertThat(store.publish(AppVersion.parse("2.1.0"))).isEqualTo(PublishOutcome.UNCHANGED);
        assertThat(lease().getMetadata().getAnnotations())
                .containsEntry(LeasePublicationStore.VERSION_ANNOTATION, "2.0.0")
                .containsEntry(LeasePublicationStore.AT_ANNOTATION, "set-by-the-test");

        assertThat(store.publish(AppVersion.parse("3.0.0"))).isEqualTo(PublishOutcome.PUBLISHED);
        assertThat(lease().getMetadata().getAnnotations())
                .containsEntry(LeasePublicationStore.VERSION_ANNOTATION, "3.0.0");
    }

    /** Takeover to first verdict is on the critical path of a handover: a new term records it. */
    @Test
    void everyTermTimesItsFirstVerdict() {
        Timer timer = registry.find("version_observer_takeover_to_verdict").timer();
        assertThat(timer).isNotNull();
        long before = timer.count();
        takeOver("pod-z", 1);
        await().atMost(WAIT).until(() -> !election.isLeader());
        // pod-z never renews: this pod takes the Lease back, a new term, and judges the (empty) cluster.
        await().atMost(WAIT).until(() -> election.isLeader());
        await().atMost(WAIT).until(() -> timer.count() >= before + 1);
    }
}
