/**
 * The browser-facing WebSocket: the wire protocol, the open sessions of this pod, keep-alive, limits, and the
 * fan-out of each publication to every session without blocking the event loop or waiting on slow clients.
 */
package dev.versionobserver.push;
