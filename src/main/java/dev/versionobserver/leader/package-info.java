/**
 * Lease-based leader election with fabric8's {@code LeaderElector} and {@code LeaseLock} (client-go semantics).
 *
 * <p>Guarantees: at most one pod believes it leads at a time, as long as clocks do not skew by more than the
 * difference between lease duration and renew deadline; a leader whose pod is being deleted, or that shuts down
 * gracefully, releases the Lease at once and a follower that sees the release takes it without waiting for its
 * retry period; a crashed leader is replaced about one lease duration after its last renewal was seen.
 * Non-guarantees: the election is not a fence. Two pods can briefly both believe they lead (skew, a paused JVM),
 * which is why the only leader-only side effect, publishing, is fenced separately by the Lease's resourceVersion
 * (see {@code publication.LeasePublicationStore}).
 *
 * <p>Leader-only work starts in the "started leading" callback and stops in "stopped leading"; nothing else asks
 * "am I leader?".
 */
package dev.versionobserver.leader;
