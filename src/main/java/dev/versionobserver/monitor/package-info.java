/**
 * The leader-only monitor: asks each serving pod for its {@code /version} once per pod (by UID), derives the
 * cluster state (converged, mixed, pending) from discovery plus those answers, and publishes a converged
 * version that is incompatible with the published one. Event-driven: informer events, debounced, trigger an
 * evaluation; there is no periodic scan.
 */
package dev.versionobserver.monitor;
