package dev.versionobserver.push;

/**
 * Something the push side did to its sockets (CDI event, fired on the thread that did it, often an event loop:
 * observers must only record it; observed by metrics).
 *
 * @param count how many sockets: those told of a publication, or 1 for a dropped socket
 */
public record SocketEvent(Kind kind, int count) {

    public enum Kind {
        /** new_version queued to {@code count} sockets. */
        NOTIFIED,
        /** A socket closed because its client did not keep up. */
        DROPPED_SLOW,
        /** An open socket found unregistered by the keep-alive sweep and closed (a defect if it ever happens). */
        ORPHANED
    }
}
