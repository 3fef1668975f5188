/**
 * The few fixed-shape JSON texts on the start-up and push paths ({@code /version}, the socket protocol, the page's
 * inline values, a peer's {@code /version} answer), written and read with Jackson's streaming core. Depends on
 * nothing of this project, so every package may use it without forming a cycle.
 */
package dev.versionobserver.json;
