package dev.versionobserver.cluster;

/**
 * A call to the Kubernetes API failed (CDI event; observed by metrics). Fired by the package that made the call;
 * the caller goes on retrying as before.
 */
public record ApiCallFailed(Operation operation) {

    /** Where the call failed: a bounded set, used as a metric label. */
    public enum Operation {
        LIST_WATCH, PUBLISH, ELECTION
    }
}
