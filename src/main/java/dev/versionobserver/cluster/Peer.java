package dev.versionobserver.cluster;

/**
 * One pod behind the Service as discovery sees it.
 *
 * @param uid pod UID from the endpoint's targetRef; the key of everything cached about the pod
 * @param serving whether it receives traffic now (ready endpoint, or EndpointSlice {@code serving})
 * @param terminating whether it is being deleted (only EndpointSlices can say so; Endpoints drop such pods)
 */
public record Peer(String uid, String name, String ip, int port, boolean serving, boolean terminating) {
}
