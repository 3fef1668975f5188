package dev.versionobserver.monitor;

import dev.versionobserver.cluster.Peer;
import dev.versionobserver.version.AppVersion;

/**
 * What the monitor knows about one pod (by UID). A pod's version cannot change during its lifetime, so a KNOWN
 * state is final; every other state is retried with backoff while the pod serves.
 */
public record PeerState(Peer peer, Status status, AppVersion version, String detail) {

    public enum Status {
        /** First poll not answered yet. */
        POLLING,
        /** Answered with a valid version. */
        KNOWN,
        /** Answered with something that is not a version ({@link PollException.Kind#GARBAGE}). */
        UNREADABLE,
        /** Answered with an error status, timed out or refused; retried. */
        UNREACHABLE
    }

    static PeerState polling(Peer peer) {
        return new PeerState(peer, Status.POLLING, null, null);
    }

    static PeerState known(Peer peer, AppVersion version) {
        return new PeerState(peer, Status.KNOWN, version, null);
    }

    static PeerState failed(Peer peer, PollException failure) {
        Status status = failure.kind() == PollException.Kind.GARBAGE ? Status.UNREADABLE : Status.UNREACHABLE;
        return new PeerState(peer, status, null, failure.kind().name().toLowerCase() + ": " + failure.getMessage());
    }
}
