package dev.versionobserver.leader;

/**
 * What this pod learnt about the leadership (CDI event, fired on the election's own thread; observed by metrics
 * and the status page, which must only record it).
 *
 * @param pod the pod concerned: this pod, except for {@link Change#OTHER_LEADS}
 */
public record LeadershipChanged(String pod, Change change) {

    public enum Change {
        /** This pod acquired the Lease; its monitor starts. */
        LEADS,
        /** This pod no longer holds the Lease; its monitor stopped. */
        STOPPED_LEADING,
        /** This pod's own Pod is being deleted: it leaves the election for good. */
        LEAVES,
        /** Another pod holds the Lease now. */
        OTHER_LEADS
    }
}
