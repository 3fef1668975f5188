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
    /**
     * True until this client was greeted with a known published version. A pod that starts while the API is
     * unreachable greets with "nothing published yet"; when it learns the version, exactly these clients are told.
     */
    volatile boolean greetedWithoutVersion = true;
    /** Last time the client sent anything (a pong, a ping, a message); starts at open. */
    volatile long lastHeardMillis = System.currentTimeMillis();
    private long windowStart;
    private int messagesInWindow;

    ClientSession(Session session, AppVersion clientVersion) {
        this.session = session;
        this.clientVersion = clientVersion;
    }

    /**
     * Counts one client message in a fixed one-minute window; false once more than {@code perMinute} arrived in
     * it. A fixed window is enough here: the protocol needs about one message a minute, and the point is only
     * to stop floods, not to shape traffic.
     */
    synchronized boolean allowMessage(long nowMillis, int perMinute) {
        if (nowMillis - windowStart >= 60_000) {
            windowStart = nowMillis;
            messagesInWindow = 0;
        }
        return ++messagesInWindow <= perMinute;
    }
}
