/**
 * Lease-based leader election with fabric8's {@code LeaderElector} and {@code LeaseLock} (client-go semantics).
 *
 * <p>Guarantees: at most one pod believes it leads at a time, as long as clocks do not skew by more than the
 * difference between lease duration and renew deadline; a gracefully stopping leader releases the Lease so a
 * successor takes over within one retry period, a crashed one is replaced after about one lease duration.
 * Non-guarantees: the election is not a fence. Two pods can briefly both believe they lead (skew, a paused JVM),
 * which is why the only leader-only side effect, publishing, is fenced separately by the Lease's resourceVersion
 * (see {@code publication.LeasePublicationStore}).
 *
 * <p>Leader-only work starts in the "started leading" callback and stops in "stopped leading"; nothing else asks
 * "am I leader?".
 */
package dev.versionobserver.leader;
