/**
 * The order in which this pod joins its cluster: model warm-up, informers, readiness, then the election. It
 * depends on {@code cluster}, {@code publication} and {@code leader}; nothing there depends on it.
 */
package dev.versionobserver.lifecycle;
