package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.versionobserver.publication.PublishedVersion;
import dev.versionobserver.support.WsClient;
import dev.versionobserver.version.AppVersion;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class VersionSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/version/ws")
    URI socket;

    @Inject
    PublishedVersion published;

    @Inject
    SessionRegistry registry;

    @Inject
    MeterRegistry meters;

    @Inject
    PushConfig push;

    @AfterEach
    void restoreOwnVersion() {
        published.observe(AppVersion.parse("1.0.0"));
        await().atMost(WAIT).until(() -> registry.size() == 0);
    }

    private URI withVersion(String v) {
        return URI.create(socket + "?v=" + v);
    }

    @Test
    void helloCarriesPublishedVersionAndStaleness() throws Exception {
        try (WsClient current = WsClient.connect(withVersion("1.0.0"));
                WsClient old = WsClient.connect(withVersion("0.9.0"));
                WsClient anonymous = WsClient.connect(socket)) {
            JsonNode hello = current.next(WAIT);
            assertThat(hello.path("type").asText()).isEqualTo("hello");
            assertThat(hello.path("protocol").asInt()).isEqualTo(1);
            assertThat(hello.path("published").asText()).isEqualTo("1.0.0");
            assertThat(hello.path("server").asText()).isEqualTo("1.0.0");
            assertThat(hello.path("stale").asBoolean()).isFalse();

            assertThat(old.next(WAIT).path("stale").asBoolean()).isTrue();
            assertThat(anonymous.next(WAIT).path("stale").isNull()).isTrue();
        }
    }

    @Test
    void eachPublicationIsPushedOnceWithPerClientStaleness() throws Exception {
        try (WsClient v1 = WsClient.connect(withVersion("1.0.0"));
                WsClient v2 = WsClient.connect(withVersion("2.0.0"))) {
            v1.next(WAIT);
            v2.next(WAIT);

            published.observe(AppVersion.parse("2.0.0"));
            published.observe(AppVersion.parse("2.0.0")); // re-observed (re-list, renewal): no second message

            JsonNode toOld = v1.next(WAIT);
            assertThat(toOld.path("type").asText()).isEqualTo("new_version");
            assertThat(toOld.path("version").asText()).isEqualTo("2.0.0");
            assertThat(toOld.path("previous").asText()).isEqualTo("1.0.0");
            assertThat(toOld.path("stale").asBoolean()).isTrue();
            assertThat(v2.next(WAIT).path("stale").asBoolean()).isFalse();

            // A ping round-trip orders the socket: had a duplicate been sent, it would arrive before the pong.
            v1.sendText("{\"type\":\"ping\"}");
            assertThat(v1.next(WAIT).path("type").asText()).isEqualTo("pong");
        }
    }

    /** The clock of a keep-alive sweep run one ping interval (and a second) from now. */
    private long aSecondPastOneIntervalFromNow() {
        return System.currentTimeMillis() + push.pingInterval().toMillis() + 1_000;
    }

    @Test
    void anOpenSocketThatLostItsRegistrationIsClosedByTheSweepSoThatItsPageReconnects() throws Exception {
        double orphansBefore = meters.counter("version_observer_websocket_orphaned").count();
        try (WsClient orphan = WsClient.connect(withVersion("1.0.0"))) {
            orphan.next(WAIT);
            await().atMost(WAIT).until(() -> registry.size() == 1);
            // The defect the sweep guards against: the socket is open, but pushes no longer reach it.
            registry.remove(registry.ids().iterator().next());
            try (WsClient registered = WsClient.connect(withVersion("1.0.0"))) {
                registered.next(WAIT);

                // The sweep of one interval later: the orphan is older than an interval, the other one is not.
                registry.pingAll(aSecondPastOneIntervalFromNow());

                CloseReason reason = orphan.awaitClose(WAIT);
                assertThat(reason.getCloseCode().getCode()).isEqualTo(SocketClose.NOT_REGISTERED.code());
                assertThat(reason.getReasonPhrase()).isEqualTo(SocketClose.NOT_REGISTERED.phrase());
                assertThat(meters.counter("version_observer_websocket_orphaned").count()).isEqualTo(orphansBefore + 1);
                registered.sendText("{\"type\":\"ping\"}");
                assertThat(registered.next(WAIT).path("type").asText()).isEqualTo("pong");
                assertThat(registered.isClosed()).isFalse();
            }
        }
    }

    @Test
    void aRegisteredSocketIsNeverTakenForAnOrphan() throws Exception {
        try (WsClient client = WsClient.connect(withVersion("1.0.0"))) {
            client.next(WAIT);
            await().atMost(WAIT).until(() -> registry.size() == 1);

            registry.pingAll(aSecondPastOneIntervalFromNow());

            client.sendText("{\"type\":\"ping\"}");
            assertThat(client.next(WAIT).path("type").asText()).isEqualTo("pong");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void malformedVersionParameterIsClosedWithPolicyViolation() throws Exception {
        try (WsClient bad = WsClient.connect(URI.create(socket + "?v=%3C%2Fscript%3E"))) {
            CloseReason reason = bad.awaitClose(WAIT);
            assertThat(reason.getCloseCode().getCode()).isEqualTo(SocketClose.BAD_VERSION.code());
            assertThat(reason.getReasonPhrase()).isEqualTo(SocketClose.BAD_VERSION.phrase());
        }
    }

    @Test
    void oversizedTextIsClosedWith1009() throws Exception {
        try (WsClient client = WsClient.connect(withVersion("1.0.0"))) {
            client.next(WAIT);
            client.sendText("x".repeat(2_000));
            assertThat(client.awaitClose(WAIT).getCloseCode().getCode()).isEqualTo(SocketClose.TOO_BIG.code());
        }
    }

    @Test
    void framesAboveTheFrameLimitCloseTheSocketWithoutHurtingTheServer() throws Exception {
        try (WsClient client = WsClient.connect(withVersion("1.0.0"))) {
            client.next(WAIT);
            client.sendText("x".repeat(100_000));
            int code = client.awaitClose(WAIT).getCloseCode().getCode();
            assertThat(code).isIn(1002, 1009);
        }
        try (WsClient after = WsClient.connect(withVersion("1.0.0"))) {
            assertThat(after.next(WAIT).path("type").asText()).isEqualTo("hello");
        }
    }

    @Test
    void binaryFramesAreClosedWith1003() throws Exception {
        try (WsClient client = WsClient.connect(withVersion("1.0.0"))) {
            client.next(WAIT);
            client.sendBinary(new byte[] { 1, 2, 3 });
            assertThat(client.awaitClose(WAIT).getCloseCode().getCode()).isEqualTo(SocketClose.BINARY.code());
        }
    }

    @Test
    void otherClientsAreUnaffectedByAnAbusiveOne() throws Exception {
        try (WsClient good = WsClient.connect(withVersion("1.0.0"));
                WsClient abusive = WsClient.connect(withVersion("1.0.0"))) {
            good.next(WAIT);
            abusive.next(WAIT);
            abusive.sendBinary(new byte[1024]);
            abusive.awaitClose(WAIT);

            published.observe(AppVersion.parse("3.0.0"));
            assertThat(good.next(WAIT).path("version").asText()).isEqualTo("3.0.0");
        }
    }

    @Test
    void unknownClientMessagesAreIgnored() throws Exception {
        try (WsClient client = WsClient.connect(withVersion("1.0.0"))) {
            client.next(WAIT);
            client.sendText("{\"type\":\"hack\"}");
            client.sendText("not json at all");
            client.sendText("ping");
            assertThat(client.next(WAIT).path("type").asText()).isEqualTo("pong");
            assertThat(client.isClosed()).isFalse();
        }
    }
}
