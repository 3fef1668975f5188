package dev.versionobserver.publication;

import dev.versionobserver.version.AppVersion;

/**
 * CDI event: the published version changed from {@code previous} to {@code version}. Fired once per change on
 * each pod; never fired for the first value a pod learns (the baseline, or the state a late joiner finds).
 */
public record VersionPublished(AppVersion previous, AppVersion version) {
}
