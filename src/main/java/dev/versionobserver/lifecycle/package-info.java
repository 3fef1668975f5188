/**
 * The order in which this pod joins its cluster ({@link dev.versionobserver.lifecycle.ClusterStartup}: model
 * warm-up, informers, readiness, then the election) and leaves it
 * ({@link dev.versionobserver.lifecycle.ShutdownSequence}: readiness down, no new sockets, open ones closed, the
 * Lease released, informers stopped). It depends on {@code cluster}, {@code publication}, {@code leader} and
 * {@code push}; nothing there depends on it.
 */
package dev.versionobserver.lifecycle;
