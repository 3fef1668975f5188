package dev.versionobserver.leader;

import java.time.Duration;

/**
 * CDI event: the election Lease as every pod's Lease informer last saw it (fired by whoever follows the Lease;
 * observed by {@link LeaderElection} to take a released or expired Lease at once instead of at its next retry).
 *
 * @param holder the holder identity, empty when released
 * @param leaseDuration how long the holder's claim lasts from this observation on
 */
public record LeaseObserved(String holder, Duration leaseDuration) {

    public boolean released() {
        return holder == null || holder.isEmpty();
    }
}
