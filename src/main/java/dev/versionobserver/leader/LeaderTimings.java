package dev.versionobserver.leader;

import java.time.Duration;

import dev.versionobserver.config.Require;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Validates the election timings as client-go does: lease duration &gt; renew deadline &gt; jitter &times; retry
 * period (fabric8 jitters the retry period by up to 1.2&times;), all positive. Otherwise a leader could lose its
 * lease before it even tried to renew it.
 */
final class LeaderTimings {

    /** fabric8's LeaderElector.JITTER_FACTOR. */
    static final double JITTER_FACTOR = 1.2;

    private LeaderTimings() {
    }

    static void validate(LeaderConfig config) {
        Duration lease = config.leaseDuration();
        Duration renew = config.renewDeadline();
        Duration retry = config.retryPeriod();
        Require.positive("observer.leader.lease-duration", lease);
        Require.positive("observer.leader.renew-deadline", renew);
        Require.positive("observer.leader.retry-period", retry);
        if (lease.toSeconds() < 1 || lease.toMillis() % 1000 != 0) {
            throw new ConfigurationException("observer.leader.lease-duration=" + lease
                    + " must be a whole number of seconds (the Lease stores seconds)");
        }
        if (lease.compareTo(renew) <= 0) {
            throw new ConfigurationException("observer.leader.lease-duration=" + lease
                    + " must be greater than observer.leader.renew-deadline=" + renew);
        }
        Duration spread = config.takeoverSpread();
        if (spread.isNegative() || spread.compareTo(retry) >= 0) {
            throw new ConfigurationException("observer.leader.takeover-spread=" + spread
                    + " must be at least 0 and less than observer.leader.retry-period=" + retry);
        }
        if (renew.toMillis() <= JITTER_FACTOR * retry.toMillis()) {
            throw new ConfigurationException("observer.leader.renew-deadline=" + renew + " must be greater than "
                    + JITTER_FACTOR + " x observer.leader.retry-period=" + retry);
        }
    }
}
