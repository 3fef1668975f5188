package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.quarkus.test.junit.TestProfile;

/** Abusive or foreign WebSocket clients get a clean refusal or close; the others are unaffected. */
@QuarkusTest
@TestProfile(SocketHardeningTest.Limits.class)
class SocketHardeningTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("observer.push.allowed-origins", "https://app.example",
                    "observer.push.max-connections-per-address", "3",
                    "observer.push.max-client-messages-per-minute", "5");
        }
    }

    @TestHTTPResource("/version/ws?v=1.0.0")
    URI socket;

    @Inject
    SocketAdmission admission;

    private String sameOrigin() {
        return "http://" + socket.getHost() + ":" + socket.getPort();
    }

    @Test
    void handshakesFromForeignOriginsAreRefusedOthersAccepted() throws Exception {
        assertThatThrownBy(() -> WsClient.connect(socket, Map.of("Origin", "https://evil.example")))
                .hasStackTraceContaining("403");
        assertThatThrownBy(() -> WsClient.connect(socket, Map.of("Origin", "null"))).hasStackTraceContaining("403");
        for (Map<String, String> headers : List.of(Map.of("Origin", "https://app.example"),
                Map.of("Origin", sameOrigin()), Map.<String, String> of())) {
            try (WsClient ok = WsClient.connect(socket, headers)) {
                assertThat(ok.next(WAIT).path("type").asText()).isEqualTo("hello");
            }
        }
    }

    @Test
    void connectionsPerAddressAreCappedAndTheSlotComesBackOnClose() throws Exception {
        await().atMost(WAIT).until(() -> admission.open() == 0);
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(WsClient.connect(socket));
                open.get(i).next(WAIT);
            }
            try (WsClient refused = WsClient.connect(socket)) {
                var reason = refused.awaitClose(WAIT);
                assertThat(reason.getCloseCode().getCode()).isEqualTo(SocketClose.TOO_MANY_FROM_ADDRESS.code());
                assertThat(reason.getReasonPhrase()).isEqualTo(SocketClose.TOO_MANY_FROM_ADDRESS.phrase());
            }
            await().atMost(WAIT).until(() -> admission.open() == 3);
            open.remove(0).close();
            await().atMost(WAIT).until(() -> admission.open() == 2);
            open.add(WsClient.connect(socket));
            assertThat(open.get(2).next(WAIT).path("type").asText()).isEqualTo("hello");
        } finally {
            for (WsClient c : open) {
                c.close();
            }
        }
    }

    @Test
    void aMessageFloodClosesOnlyTheFlooder() throws Exception {
        await().atMost(WAIT).until(() -> admission.open() == 0);
        try (WsClient flooder = WsClient.connect(socket); WsClient quiet = WsClient.connect(socket)) {
            flooder.next(WAIT);
            quiet.next(WAIT);
            try {
                for (int i = 0; i < 20 && !flooder.isClosed(); i++) {
                    flooder.sendText("ping");
                }
            } catch (java.io.IOException e) {
                // the server already closed it: that is the point
            }
            var reason = flooder.awaitClose(WAIT);
            assertThat(reason.getCloseCode().getCode()).isEqualTo(SocketClose.TOO_MANY_MESSAGES.code());
            assertThat(reason.getReasonPhrase()).isEqualTo(SocketClose.TOO_MANY_MESSAGES.phrase());
            quiet.sendText("ping");
            assertThat(quiet.next(WAIT).path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void aFlooderThatKeepsSendingStillReceivesTheViolatedPolicyClose() throws Exception {
        // A flooder's frames are still in flight when the server closes; closing the connection on top of unread
        // data would reset it, and the client would never read the 1008. Ten in a row, each blasting 2 000
        // messages just under the size limit: about half a megabyte in flight when the server decides.
        await().atMost(WAIT).until(() -> admission.open() == 0);
        // A Vert.x of its own, as a browser is: the server's event loops must not pace the client.
        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            for (int i = 0; i < 10; i++) {
                CompletableFuture<Short> code = new CompletableFuture<>();
                client.connect(socket.getPort(), socket.getHost(), socket.getRawPath() + "?" + socket.getRawQuery())
                        .onFailure(code::completeExceptionally)
                        .onSuccess(ws -> {
                            ws.closeHandler(v -> code.complete(ws.closeStatusCode()));
                            ws.textMessageHandler(text -> {
                                if (text.contains("\"hello\"")) {
                                    String filler = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(200) + "\"}";
                                    for (int m = 0; m < 2000; m++) {
                                        ws.writeTextMessage(filler);
                                    }
                                }
                            });
                        });
                assertThat(code.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("close code seen by flooder " + i)
                        .isEqualTo((short) 1008);
            }
        } finally {
            client.close();
            vertx.close();
        }
    }
}
