package dev.versionobserver.publication;

import dev.versionobserver.version.AppVersion;

/**
 * CDI event: the published version changed from {@code previous} to {@code version}, once per change on each pod.
 * For the first value a pod learns (the baseline, or the state a pod started during an API outage finds later)
 * {@code previous} is null: only sockets greeted before the pod knew any version need it.
 */
public record VersionPublished(AppVersion previous, AppVersion version) {
}
