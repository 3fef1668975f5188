package dev.versionobserver.push;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.jboss.logging.Logger;

import dev.versionobserver.publication.VersionPublished;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.PublicationPolicy;
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
    private final PublicationPolicy policy;
    private final PushConfig config;
    private final Event<SocketEvent> socketEvents;
    private final SocketAdmission admission;
    private final SocketChannels channels;
    private volatile boolean shuttingDown;

    public SessionRegistry(PublicationPolicy policy, PushConfig config,
            Event<SocketEvent> socketEvents, SocketAdmission admission, SocketChannels channels) {
        this.policy = policy;
        this.config = config;
        this.socketEvents = socketEvents;
        this.admission = admission;
        this.channels = channels;
    }

    /**
     * Registers a socket for pushes. Once shutdown has begun the socket is closed with 1001 instead and false is
     * returned: the caller must then send nothing more, or the failed send cuts the connection before the close
     * frame is out. Only a handshake that passed {@link SocketAdmission} just before shutdown began gets here
     * then; later ones are refused with 503. The flag is this class's own, set before its sweep, so that the
     * check below pairs with that sweep.
     */
    boolean add(ClientSession client) {
        sessions.put(client.session.getId(), client);
        if (shuttingDown) {
            // Checked after the put: the sweep in closeAll either saw this socket or left it to this check.
            close(client, SocketClose.SHUTTING_DOWN);
            return false;
        }
        return true;
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

    /** Ids of the registered sockets. */
    Set<String> ids() {
        return Set.copyOf(sessions.keySet());
    }

    void onPublished(@Observes VersionPublished event) {
        // Nobody to tell (e.g. the version a pod takes at start): nothing is rendered. A socket opened from here on
        // is greeted with this version anyway.
        int told = sessions.isEmpty() ? 0 : tell(event);
        socketEvents.fire(new SocketEvent(SocketEvent.Kind.NOTIFIED, told));
        if (event.previous() != null || told > 0) {
            LOG.infof("Pushed new version %s to %d browser session(s)", event.version(), told);
        }
    }

    private int tell(VersionPublished event) {
        String previous = event.previous() == null ? null : event.previous().toString();
        String staleMessage = new Protocol.NewVersion(event.version().toString(), previous, true).json();
        String currentMessage = new Protocol.NewVersion(event.version().toString(), previous, false).json();
        String unknownMessage = new Protocol.NewVersion(event.version().toString(), previous, null).json();
        // Pages of one version share one instance (ClientVersions): staleness is worked out once per version.
        Map<AppVersion, Boolean> staleness = new IdentityHashMap<>();
        Function<AppVersion, Boolean> staleFor = page -> policy.stale(page, event.version());
        int told = 0;
        for (ClientSession client : sessions.values()) {
            if (event.previous() == null && !client.greetedWithoutVersion) {
                continue; // the first value this pod learns: only clients greeted without one need it
            }
            client.greetedWithoutVersion = false;
            Boolean stale = staleness.computeIfAbsent(client.clientVersion, staleFor);
            String message = stale == null ? unknownMessage : stale ? staleMessage : currentMessage;
            if (send(client, message)) {
                told++;
            }
        }
        return told;
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
            socketEvents.fire(new SocketEvent(SocketEvent.Kind.DROPPED_SLOW, 1));
            close(client, SocketClose.TOO_SLOW);
            return false;
        }
        try {
            client.session.getAsyncRemote().sendText(message, (SendResult result) -> {
                client.pending.decrementAndGet();
                if (!result.isOK()) {
                    LOG.debugf("Send to %s failed: %s", client.session.getId(), result.getException());
                    close(client, SocketClose.SEND_FAILED);
                }
            });
            return true;
        } catch (RuntimeException e) {
            client.pending.decrementAndGet();
            LOG.debugf("Send to %s refused: %s", client.session.getId(), e.toString());
            close(client, SocketClose.SEND_FAILED);
            return false;
        }
    }

    /**
     * Pings every socket (idle proxies keep it open; browsers answer with a pong by themselves) and closes the
     * ones that have not been heard from for three intervals: half-open (the peer vanished without a FIN) or
     * unresponsive. Then cuts the connections that are open but no longer registered (see below).
     */
    void pingAll(long nowMillis) {
        long interval = config.pingInterval().toMillis();
        long silentSince = nowMillis - 3 * interval;
        for (ClientSession client : sessions.values()) {
            if (client.lastHeardMillis < silentSince) {
                LOG.debugf("Closing silent WebSocket %s", client.session.getId());
                sessions.remove(client.session.getId());
                channels.closeThenCut(client.session, SocketClose.NO_PONG.reason());
                continue;
            }
            try {
                client.session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Ping to %s failed: %s", client.session.getId(), e.toString());
            }
        }
        // Every socket whose connection is open must be registered, or no publication ever reaches it and its page
        // waits for ever: a browser cannot tell a quiet socket from a dead one. A socket is registered in onOpen
        // right after its admission and unregistered when it closes, so one admitted a whole interval ago that is
        // open and unregistered is either a close that never finished (its close frame stuck behind a peer that
        // stopped reading: Undertow cuts the connection only once the frame is written) or a defect. Either way
        // the connection is cut; the page reconnects and is greeted afresh.
        for (Session orphan : admission.admittedBefore(nowMillis - interval)) {
            if (sessions.containsKey(orphan.getId())) {
                continue;
            }
            if (orphan.isOpen()) {
                LOG.warnf("WebSocket %s is open but not registered; closing it so that its page reconnects",
                        orphan.getId());
                socketEvents.fire(new SocketEvent(SocketEvent.Kind.ORPHANED, 1));
                channels.closeThenCut(orphan, SocketClose.NOT_REGISTERED.reason());
            } else {
                LOG.debugf("WebSocket %s was closed but its connection is still open; cutting it", orphan.getId());
                channels.cut(orphan);
            }
        }
    }

    /**
     * Closes a client that is still sending (a flood) so that it can read why: see
     * {@link SocketChannels#closeDraining}.
     */
    void closeDraining(ClientSession client, SocketClose why) {
        sessions.remove(client.session.getId());
        channels.closeDraining(client.session, why.reason());
    }

    void close(ClientSession client, SocketClose why) {
        sessions.remove(client.session.getId());
        channels.close(client.session, why.reason());
    }

    void startKeepAlive(@Observes StartupEvent event, Vertx vertx) {
        // pingAll only queues frames, so the timer may run on the event loop.
        vertx.setPeriodic(config.pingInterval().toMillis(), id -> pingAll(System.currentTimeMillis()));
    }

    /**
     * Closes every socket with 1001 so browsers reconnect to another pod at once, and every socket that still opens
     * (a handshake admitted just before) likewise (shutdown, step 3 of lifecycle.ShutdownSequence). This must
     * happen in the pre-shutdown phase: by the time {@code ShutdownEvent} is fired the HTTP server has already cut every
     * connection without a close frame (its stop is a shutdown task that runs first), which browsers see as 1006
     * and some clients miss altogether. Needs {@code quarkus.shutdown.delay-enabled=true}
     * (META-INF/microprofile-config.properties).
     */
    public void closeAll() {
        shuttingDown = true;
        long started = System.nanoTime();
        List<Session> closing = new ArrayList<>(sessions.size());
        for (ClientSession client : sessions.values()) {
            sessions.remove(client.session.getId());
            closing.add(client.session);
        }
        channels.closeAll(closing, SocketClose.SHUTTING_DOWN.reason());
        if (!closing.isEmpty()) {
            LOG.infof("Closing %d WebSocket session(s) with 1001 (going away): handed to their event loops in %d ms",
                    closing.size(), (System.nanoTime() - started) / 1_000_000);
        }
    }
}
