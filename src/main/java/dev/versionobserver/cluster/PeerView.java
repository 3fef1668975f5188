package dev.versionobserver.cluster;

import java.util.List;

/**
 * The peers at one moment. {@code synced} is false until the informers have listed once: before that, "no
 * peers" means "not known yet", never "the Service is empty".
 */
public record PeerView(List<Peer> peers, boolean synced, boolean truncated) {

    public static final PeerView UNKNOWN = new PeerView(List.of(), false, false);

    public List<Peer> serving() {
        return peers.stream().filter(Peer::serving).toList();
    }
}
