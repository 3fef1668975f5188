/**
 * Liveness and readiness. Readiness means "this pod can serve pages and sockets" and deliberately ignores the
 * Kubernetes API: an API outage would otherwise mark every pod unready at once and empty the Service.
 */
package dev.versionobserver.health;
