package dev.versionobserver.push;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.Session;

import dev.versionobserver.version.AppVersion;

/**
 * One open browser socket: the version the browser runs (null when it did not say) and how many messages are
 * still on their way to it. The pending count is what lets fan-out drop a slow client instead of queueing for it.
 */
final class ClientSession {

    final Session session;
    final AppVersion clientVersion;
    final AtomicInteger pending = new AtomicInteger();

    ClientSession(Session session, AppVersion clientVersion) {
        this.session = session;
        this.clientVersion = clientVersion;
    }
}
