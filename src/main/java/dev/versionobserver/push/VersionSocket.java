package dev.versionobserver.push;

import java.nio.ByteBuffer;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import org.jboss.logging.Logger;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.InvalidVersionException;

/**
 * {@code /version/ws?v=<browser's version>}: greets with the published version, then pushes one
 * {@code new_version} per publication. Clients need send nothing; a {@code ping} text is answered with a pong.
 * Oversized text closes with 1009 (container-enforced {@code maxMessageSize}), binary frames with 1003 (no binary
 * handler, as the Jakarta WebSocket spec requires), a bad {@code v} with 1008.
 */
@ServerEndpoint("/version/ws")
@ApplicationScoped
public class VersionSocket {

    private static final Logger LOG = Logger.getLogger(VersionSocket.class);

    /** Longest client message accepted, in bytes: a ping is about 20. An annotation value, so not configurable. */
    private static final int MAX_MESSAGE = 256;

    private final SessionRegistry registry;
    private final PublishedVersion published;
    private final ClientVersions clientVersions;
    private final Greetings greetings;
    private final String pong;
    private final PushConfig push;
    private final SocketAdmission admission;
    private final SocketChannels channels;

    public VersionSocket(SessionRegistry registry, PublishedVersion published, ClientVersions clientVersions,
            Greetings greetings, PushConfig push, SocketAdmission admission, SocketChannels channels) {
        this.registry = registry;
        this.published = published;
        this.clientVersions = clientVersions;
        this.greetings = greetings;
        this.pong = Protocol.Pong.INSTANCE.json();
        this.push = push;
        this.admission = admission;
        this.channels = channels;
    }

    @OnOpen
    public void onOpen(Session session) {
        SocketClose refused = admission.admit(session);
        if (refused != null) {
            closeQuietly(session, refused);
            return;
        }
        AppVersion clientVersion;
        try {
            clientVersion = clientVersion(session);
        } catch (InvalidVersionException e) {
            closeQuietly(session, SocketClose.BAD_VERSION);
            return;
        }
        ClientSession client = new ClientSession(session, clientVersion);
        // Register before reading the published version: a publication in between then reaches this session
        // (possibly before the hello, which the client tolerates) instead of falling between the two.
        if (!registry.add(client)) {
            return;
        }
        AppVersion current = published.current().orElse(null);
        client.greetedWithoutVersion = current == null;
        registry.send(client, greetings.hello(clientVersion, current));
    }

    @OnMessage
    public void onText(String message, Session session) {
        // Enforced here: Undertow does not act on @OnMessage(maxMessageSize); frames above
        // quarkus.websocket.max-frame-size never reach this method (see onError).
        if (message.length() > MAX_MESSAGE) {
            closeQuietly(session, SocketClose.TOO_BIG);
            return;
        }
        ClientSession client = registry.find(session.getId()).orElse(null);
        if (client == null) {
            return;
        }
        client.lastHeardMillis = System.currentTimeMillis();
        if (!client.allowMessage(System.currentTimeMillis(), push.maxClientMessagesPerMinute())) {
            registry.closeDraining(client, SocketClose.TOO_MANY_MESSAGES);
            return;
        }
        // Anything but a ping is ignored: the protocol needs nothing from the client but keep-alive.
        if (Protocol.isPing(message)) {
            registry.send(client, pong);
        }
    }

    /** Browsers answer the server's pings with pongs: proof that the socket is not half-open. */
    @OnMessage
    public void onPong(PongMessage pong, Session session) {
        registry.find(session.getId()).ifPresent(client -> client.lastHeardMillis = System.currentTimeMillis());
    }

    @OnMessage
    public void onBinary(ByteBuffer data, Session session) {
        closeQuietly(session, SocketClose.BINARY);
    }

    @OnClose
    public void onClose(Session session) {
        registry.remove(session.getId());
    }

    @OnError
    public void onError(Session session, Throwable error) {
        // Abrupt disconnects and protocol violations land here. The socket must not outlive its registration: an
        // open but unregistered socket is never pinged, swept or told anything, and its page would wait forever.
        LOG.debugf("WebSocket %s error: %s", session.getId(), error.toString());
        registry.remove(session.getId());
        if (session.isOpen()) {
            closeQuietly(session, SocketClose.PROTOCOL_ERROR);
        } else {
            channels.cut(session);
        }
    }

    private AppVersion clientVersion(Session session) {
        List<String> values = session.getRequestParameterMap().get("v");
        return values == null || values.isEmpty() ? null : clientVersions.parse(values.get(0));
    }

    private void closeQuietly(Session session, SocketClose why) {
        channels.close(session, why.reason());
    }
}
