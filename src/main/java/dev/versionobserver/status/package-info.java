/**
 * The SRE view: {@code /status} (a live page), {@code /status/data} (JSON) and {@code /status/stream} (SSE).
 * Any pod answers: it adds the leader's monitor state, fetched from the leader, to what it knows itself.
 */
package dev.versionobserver.status;
