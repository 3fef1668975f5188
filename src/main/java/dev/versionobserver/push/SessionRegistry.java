package dev.versionobserver.push;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.SendResult;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.metrics.ObserverMetrics;
import dev.versionobserver.publication.VersionPublished;
import dev.versionobserver.version.CompatibilityPolicy;
import dev.versionobserver.version.VersionConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The open sockets of this pod and the fan-out to them. Every send is asynchronous and counted per session; a
 * session with more than {@code observer.push.max-pending-sends} messages in flight is closed (1008) rather than
 * buffered, so one slow browser never delays the others nor grows the heap.
 */
@Singleton
public class SessionRegistry {

    private static final Logger LOG = Logger.getLogger(SessionRegistry.class);

    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final ObjectMapper mapper;
    private final CompatibilityPolicy policy;
    private final PushConfig config;
    private final ObserverMetrics metrics;
    private volatile boolean shuttingDown;

    public SessionRegistry(ObjectMapper mapper, VersionConfig versionConfig, PushConfig config,
            ObserverMetrics metrics) {
        this.mapper = mapper;
        this.policy = versionConfig.compatibility();
        this.config = config;
        this.metrics = metrics;
        metrics.sessions(sessions::size);
    }

    void add(ClientSession client) {
        sessions.put(client.session.getId(), client);
        if (shuttingDown) {
            // Raced with shutdown: the sweep in onShutdown may have missed this one.
            close(client, CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    void remove(String sessionId) {
        sessions.remove(sessionId);
    }

    Optional<ClientSession> find(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    public int size() {
        return sessions.size();
    }

    void onPublished(@Observes VersionPublished event) {
        String previous = event.previous() == null ? null : event.previous().toString();
        String staleMessage = Protocol.json(mapper, new Protocol.NewVersion(event.version().toString(), previous, true));
        String currentMessage = Protocol.json(mapper, new Protocol.NewVersion(event.version().toString(), previous, false));
        String unknownMessage = Protocol.json(mapper, new Protocol.NewVersion(event.version().toString(), previous, null));
        int told = 0;
        for (ClientSession client : sessions.values()) {
            if (event.previous() == null && !client.greetedWithoutVersion) {
                continue; // the first value this pod learns: only clients greeted without one need it
            }
            client.greetedWithoutVersion = false;
            String message = client.clientVersion == null ? unknownMessage
                    : policy.compatible(client.clientVersion, event.version()) ? currentMessage : staleMessage;
            if (send(client, message)) {
                told++;
            }
        }
        metrics.notified(told);
        if (event.previous() != null || told > 0) {
            LOG.infof("Pushed new version %s to %d browser session(s)", event.version(), told);
        }
    }

    /**
     * Queues one message; returns false (and drops the client) when it already has too much in flight. A send that
     * fails closes the socket: a client left open but unregistered or unaware would never be told anything again
     * (browsers cannot see that a socket went quiet), while a closed one reconnects and is greeted afresh.
     */
    boolean send(ClientSession client, String message) {
        if (client.pending.incrementAndGet() > config.maxPendingSends()) {
            client.pending.decrementAndGet();
            LOG.debugf("Dropping slow WebSocket client %s", client.session.getId());
            metrics.droppedSlowClient();
            close(client, CloseCodes.VIOLATED_POLICY, "too slow");
            return false;
        }
        try {
            client.session.getAsyncRemote().sendText(message, (SendResult result) -> {
                client.pending.decrementAndGet();
                if (!result.isOK()) {
                    LOG.debugf("Send to %s failed: %s", client.session.getId(), result.getException());
                    close(client, CloseCodes.UNEXPECTED_CONDITION, "send failed");
                }
            });
            return true;
        } catch (RuntimeException e) {
            client.pending.decrementAndGet();
            LOG.debugf("Send to %s refused: %s", client.session.getId(), e.toString());
            close(client, CloseCodes.UNEXPECTED_CONDITION, "send failed");
            return false;
        }
    }

    /**
     * Pings every socket (idle proxies keep it open; browsers answer with a pong by themselves) and closes the
     * ones that have not been heard from for three intervals: half-open (the peer vanished without a FIN) or
     * unresponsive. Their TCP channel is closed shortly after the close frame, which a vanished peer never acks.
     */
    void pingAll() {
        long silentSince = System.currentTimeMillis() - 3 * config.pingInterval().toMillis();
        for (ClientSession client : sessions.values()) {
            if (client.lastHeardMillis < silentSince) {
                LOG.debugf("Closing silent WebSocket %s", client.session.getId());
                close(client, CloseCodes.GOING_AWAY, "no pong");
                SocketChannels.of(client.session).ifPresent(channel ->
                        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS));
                continue;
            }
            try {
                client.session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Ping to %s failed: %s", client.session.getId(), e.toString());
            }
        }
    }

    /**
     * Closes a client that is still sending (a flood) so that it can read why: see
     * {@link SocketChannels#closeDraining}.
     */
    void closeDraining(ClientSession client, CloseCodes code, String reason) {
        sessions.remove(client.session.getId());
        SocketChannels.closeDraining(client.session, new CloseReason(code, reason));
    }

    void close(ClientSession client, CloseCodes code, String reason) {
        sessions.remove(client.session.getId());
        SocketChannels.close(client.session, new CloseReason(code, reason));
    }

    void startKeepAlive(@Observes StartupEvent event, Vertx vertx) {
        // pingAll only queues frames, so the timer may run on the event loop.
        vertx.setPeriodic(config.pingInterval().toMillis(), id -> pingAll());
    }

    /** Every socket is closed with 1001 so browsers reconnect to another pod at once. */
    void onShutdown(@Observes ShutdownEvent event) {
        shuttingDown = true;
        int count = sessions.size();
        sessions.values().forEach(client -> close(client, CloseCodes.GOING_AWAY, "server shutting down"));
        if (count > 0) {
            LOG.infof("Closed %d WebSocket session(s) with 1001 (going away)", count);
        }
    }
}
