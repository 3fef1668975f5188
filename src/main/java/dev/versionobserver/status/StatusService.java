package dev.versionobserver.status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.cluster.ClusterMode;
import dev.versionobserver.cluster.Peer;
import dev.versionobserver.cluster.PeerWatcher;
import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.leader.LeaderElection;
import dev.versionobserver.monitor.ClusterState;
import dev.versionobserver.monitor.Monitor;
import dev.versionobserver.monitor.PeerState;
import dev.versionobserver.publication.LeasePublicationStore;
import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.push.SessionRegistry;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.OwnVersion;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * Assembles the status view. Only the leader knows the cluster state and the pods' versions, so a follower
 * asks the leader for its local view (one bounded HTTP request per status refresh, only while someone watches
 * the page) and shows it with its own facts; if the leader cannot be asked, the page says so.
 */
@Singleton
public class StatusService {

    /** A local view is a few kB even for hundreds of pods. */
    private static final int MAX_REMOTE_BYTES = 1 << 20;
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(1);

    private final OwnVersion own;
    private final PodIdentity pod;
    private final ClusterMode mode;
    private final PublishedVersion published;
    private final LeasePublicationStore store;
    private final LeaderElection election;
    private final Monitor monitor;
    private final PeerWatcher peers;
    private final SessionRegistry sessions;
    private final RecentEvents events;
    private final ObjectMapper mapper;
    private final HttpClient http;

    public StatusService(OwnVersion own, PodIdentity pod, ClusterMode mode, PublishedVersion published,
            LeasePublicationStore store, LeaderElection election, Monitor monitor, PeerWatcher peers,
            SessionRegistry sessions, RecentEvents events, ObjectMapper mapper, Vertx vertx) {
        this.own = own;
        this.pod = pod;
        this.mode = mode;
        this.published = published;
        this.store = store;
        this.election = election;
        this.monitor = monitor;
        this.peers = peers;
        this.sessions = sessions;
        this.events = events;
        this.mapper = mapper;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
                .setConnectTimeout((int) REMOTE_TIMEOUT.toMillis()));
    }

    /** What this pod alone knows. */
    public StatusView local() {
        String publishedVersion = published.current().map(AppVersion::toString).orElse(null);
        if (!mode.enabled()) {
            StatusView.PodRow self = new StatusView.PodRow(pod.name(), pod.ip().orElse(""), own.version().toString(),
                    "KNOWN", null, true, false, true);
            return new StatusView(pod.name(), own.version().toString(), sessions.size(), "standalone", pod.name(),
                    true, publishedVersion, Map.of(), "STANDALONE", "no cluster: this pod publishes its own version",
                    Map.of(own.version().toString(), 1), List.of(self), events.list(), "this pod (standalone)");
        }
        boolean leading = election.isLeader();
        ClusterState state = monitor.state();
        Map<String, PeerState> known = new HashMap<>();
        monitor.peerStates().forEach(s -> known.put(s.peer().uid(), s));
        String leader = election.leader();
        List<StatusView.PodRow> rows = new ArrayList<>();
        for (Peer peer : peers.view().peers()) {
            PeerState s = known.get(peer.uid());
            rows.add(new StatusView.PodRow(peer.name(), peer.ip(),
                    s == null || s.version() == null ? null : s.version().toString(),
                    s == null ? (leading ? "not asked (not serving)" : "unknown") : s.status().name(),
                    s == null ? null : s.detail(), peer.serving(), peer.terminating(), peer.name().equals(leader)));
        }
        return new StatusView(pod.name(), own.version().toString(), sessions.size(), "cluster", leader, leading,
                publishedVersion, store.publicationDetails(), state.kind().name(), state.reason(), state.versions(),
                rows, events.list(), leading ? "this pod (the leader)" : "this pod (not the leader)");
    }

    /** The full view: local facts, plus the leader's monitor state when this pod is not the leader. */
    public Uni<StatusView> view() {
        StatusView local = local();
        if (!mode.enabled() || local.servedByLeader() || local.leader() == null) {
            return Uni.createFrom().item(local);
        }
        Optional<Peer> leaderPeer = peers.view().peers().stream().filter(p -> p.name().equals(local.leader()))
                .findFirst();
        if (leaderPeer.isEmpty()) {
            return Uni.createFrom().item(local.withSource("leader " + local.leader() + " is not among the endpoints"));
        }
        Peer target = leaderPeer.get();
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(target.ip())
                .setPort(target.port()).setURI("/status/data?scope=local").setIdleTimeout(REMOTE_TIMEOUT.toMillis()))
                .chain(req -> req.send())
                .chain(resp -> resp.statusCode() == 200 ? resp.body()
                        : Uni.createFrom().failure(new IllegalStateException("HTTP " + resp.statusCode())))
                .map(body -> {
                    if (body.length() > MAX_REMOTE_BYTES) {
                        throw new IllegalStateException("answer too large");
                    }
                    try {
                        return mapper.readValue(body.getBytes(), StatusView.class);
                    } catch (IOException e) {
                        throw new IllegalStateException("unreadable answer");
                    }
                })
                .map(local::withClusterOf)
                .ifNoItem().after(REMOTE_TIMEOUT).fail()
                .onFailure().recoverWithItem(f -> local.withSource("leader " + local.leader()
                        + " could not be asked (" + f.getMessage() + "); showing this pod's view"));
    }

    @PreDestroy
    void close() {
        http.closeAndAwait();
    }
}
