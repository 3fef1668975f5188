package dev.versionobserver.monitor;

import java.util.List;
import java.util.Map;

import dev.versionobserver.version.AppVersion;

/**
 * The monitor's verdict on the serving pods, with the reason in words for logs and the status page.
 *
 * @param version the version every serving pod runs; only set when {@link Kind#CONVERGED}
 * @param versions serving pods per known version
 * @param waitingFor names of serving pods whose version is not known yet
 */
public record ClusterState(Kind kind, AppVersion version, Map<String, Integer> versions, List<String> waitingFor,
        String reason) {

    public enum Kind {
        /** Discovery has not listed the Service yet. */
        UNKNOWN,
        /** No pod serves. */
        EMPTY,
        /** Some serving pod has not told its version (new, garbage, unreachable), or discovery is incomplete. */
        PENDING,
        /** Serving pods run different versions: a rollout is in progress or paused. */
        MIXED,
        /** Every serving pod runs {@link #version()}. */
        CONVERGED
    }
}
