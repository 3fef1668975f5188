package dev.versionobserver.monitor;

import java.time.Duration;

import dev.versionobserver.version.AppVersion;

/**
 * A timed step of a leadership term (CDI event, fired on the monitor's own thread; observed by metrics and the
 * status page): the first verdict after taking the lead, or a publication this pod wrote.
 *
 * @param published the version written to the Lease; null for {@link Step#FIRST_VERDICT}
 * @param took since the lead was taken ({@code FIRST_VERDICT}) or since the cluster converged ({@code PUBLISHED})
 */
public record LeaderMilestone(Step step, AppVersion published, Duration took) {

    public enum Step {
        FIRST_VERDICT, PUBLISHED
    }
}
