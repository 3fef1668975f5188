package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

import dev.versionobserver.publication.VersionPublished;
import dev.versionobserver.support.TestVersionConfig;
import dev.versionobserver.version.AppVersion;
import dev.versionobserver.version.PublicationPolicy;
import dev.versionobserver.version.VersionConfig;

/** Fan-out never waits on a client: sends are queued asynchronously and a client that stops reading is dropped. */
class SlowClientTest {

    /** A session whose sends complete only when the test says so, recording what happened to it. */
    private static final class FakeSession {
        final List<SendHandler> inFlight = new ArrayList<>();
        final AtomicReference<CloseReason> closed = new AtomicReference<>();
        final Session session;
        volatile boolean refuseSends;

        FakeSession(String id) {
            RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { RemoteEndpoint.Async.class }, (proxy, method, args) -> {
                        if (method.getName().equals("sendText") && args.length == 2) {
                            if (refuseSends) {
                                throw new IllegalStateException("a write is already in progress");
                            }
                            inFlight.add((SendHandler) args[1]);
                        }
                        return null;
                    });
            session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Session.class },
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getId" -> id;
                        case "getAsyncRemote" -> async;
                        case "close" -> {
                            closed.set(args == null ? null : (CloseReason) args[0]);
                            yield null;
                        }
                        case "hashCode" -> id.hashCode();
                        case "equals" -> proxy == args[0];
                        default -> null;
                    });
        }

        void failAll() {
            List<SendHandler> handlers = List.copyOf(inFlight);
            inFlight.clear();
            handlers.forEach(h -> h.onResult(new SendResult(new java.io.IOException("broken pipe"))));
        }

        void deliverAll() {
            List<SendHandler> handlers = List.copyOf(inFlight);
            inFlight.clear();
            handlers.forEach(h -> h.onResult(new SendResult()));
        }
    }

    private static SessionRegistry registry() {
        VersionConfig versions = new TestVersionConfig("1.0.0");
        PushConfig push = new PushConfig() {
            @Override
            public java.time.Duration pingInterval() {
                return java.time.Duration.ofSeconds(25);
            }

            @Override
            public int maxPendingSends() {
                return 3;
            }

            @Override
            public java.util.Optional<java.util.List<String>> allowedOrigins() {
                return java.util.Optional.empty();
            }

            @Override
            public int maxConnections() {
                return 100;
            }

            @Override
            public int maxConnectionsPerAddress() {
                return 100;
            }

            @Override
            public int maxClientMessagesPerMinute() {
                return 60;
            }

            @Override
            public java.util.List<String> trustedProxies() {
                return java.util.List.of("none");
            }
        };
        SocketChannels channels = new SocketChannels();
        return new SessionRegistry(new PublicationPolicy(versions), push,
                new dev.versionobserver.support.RecordingEvent<>(),
                new SocketAdmission(push, new ProxyTrust(push), channels), channels);
    }

    @Test
    void aClientThatStopsReadingIsDroppedWhileOthersKeepReceiving() {
        SessionRegistry registry = registry();
        FakeSession slow = new FakeSession("slow");
        FakeSession fast = new FakeSession("fast");
        registry.add(new ClientSession(slow.session, AppVersion.parse("1.0.0")));
        registry.add(new ClientSession(fast.session, AppVersion.parse("1.0.0")));

        for (int major = 2; major <= 6; major++) {
            registry.onPublished(new VersionPublished(AppVersion.parse((major - 1) + ".0.0"),
                    AppVersion.parse(major + ".0.0")));
            fast.deliverAll(); // the fast client reads everything at once
        }

        assertThat(slow.closed.get()).isNotNull();
        assertThat(slow.closed.get().getCloseCode().getCode()).isEqualTo(SocketClose.TOO_SLOW.code());
        assertThat(slow.closed.get().getReasonPhrase()).isEqualTo(SocketClose.TOO_SLOW.phrase());
        assertThat(slow.inFlight).as("never more than the limit queued").hasSize(3);
        assertThat(fast.closed.get()).isNull();
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void aClientWhoseSendFailsIsClosedRatherThanLeftOpenAndUntold() {
        SessionRegistry registry = registry();
        FakeSession failing = new FakeSession("failing");
        FakeSession refusing = new FakeSession("refusing");
        FakeSession healthy = new FakeSession("healthy");
        registry.add(new ClientSession(failing.session, AppVersion.parse("1.0.0")));
        registry.add(new ClientSession(refusing.session, AppVersion.parse("1.0.0")));
        registry.add(new ClientSession(healthy.session, AppVersion.parse("1.0.0")));
        refusing.refuseSends = true;

        registry.onPublished(new VersionPublished(AppVersion.parse("1.0.0"), AppVersion.parse("2.0.0")));
        failing.failAll();
        healthy.deliverAll();

        // Both are closed, so their pages reconnect and are greeted again; the healthy one is untouched.
        assertThat(failing.closed.get()).isNotNull();
        assertThat(failing.closed.get().getCloseCode().getCode()).isEqualTo(SocketClose.SEND_FAILED.code());
        assertThat(refusing.closed.get()).isNotNull();
        assertThat(refusing.closed.get().getCloseCode().getCode()).isEqualTo(SocketClose.SEND_FAILED.code());
        assertThat(healthy.closed.get()).isNull();
        assertThat(registry.size()).isEqualTo(1);
    }
}
