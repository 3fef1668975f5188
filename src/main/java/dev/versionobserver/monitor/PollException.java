package dev.versionobserver.monitor;

/** Why a {@code /version} poll did not yield a version; a peer state, never a reason to stop the monitor. */
public class PollException extends RuntimeException {

    /** What went wrong, as an outcome label (also used as a metrics label). */
    public enum Kind {
        /** Answered, but not with a parseable version (wrong app, HTML error page, oversized body...). */
        GARBAGE,
        /** Answered with a non-200 status. */
        ERROR,
        /** Did not answer within the poll timeout. */
        TIMEOUT,
        /** Refused or reset the connection. */
        UNREACHABLE
    }

    private final Kind kind;

    public PollException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
