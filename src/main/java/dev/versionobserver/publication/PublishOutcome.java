package dev.versionobserver.publication;

/** Result of one fenced publication attempt. */
public enum PublishOutcome {
    /** Written: the Lease now carries the version (the first one is the baseline). */
    PUBLISHED,
    /** Nothing to write: the Lease already carries a version compatible with it. */
    UNCHANGED,
    /** This pod does not hold the Lease (any more): it must not publish. */
    NOT_LEADER
}
