package dev.versionobserver.monitor;

/**
 * The monitor's verdict changed kind or versions, or the monitor stopped ({@code leading} false, state
 * {@link ClusterState.Kind#UNKNOWN}). CDI event, fired on the monitor's own thread; observed by metrics and the
 * status page.
 */
public record ClusterStateChanged(ClusterState state, boolean leading) {
}
