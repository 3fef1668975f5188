package dev.versionobserver.cluster;

/**
 * CDI event, fired once: this pod's own Pod object has a deletionTimestamp (seen through the pod informer). The
 * pod keeps serving through preStop and the grace period, but it is on its way out and must not lead.
 */
public record PodLeaving(String pod) {
}
