/**
 * Liveness and readiness. Readiness means "this pod can serve pages and sockets and tell them the truth": it waits
 * once, at start, for the informers' first list (bounded by {@code observer.cluster.sync-timeout}), and afterwards
 * deliberately ignores the Kubernetes API: an API outage would otherwise mark every pod unready at once and empty
 * the Service.
 */
package dev.versionobserver.health;
